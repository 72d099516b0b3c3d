using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;
using SafeOpenAI;
using SafeOpenAI.LoadTest;
using SafeOpenAI.Redis;
using SafeOpenAI.Testing;

// Load and soak test: the raw ChatClient and SafeChatClient (in-memory and Redis budgets) against the
// local OpenAI-compatible endpoint on 127.0.0.1, at a fixed concurrency, in one run. It checks that
// no call fails, that every user's budget holds exactly what was billed with nothing left reserved,
// and prints throughput, p50/p99 latency, working set and GC counts. Exit code 1 when a check fails.
LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

await using var endpoint = await LocalOpenAIEndpoint.StartAsync(new LocalOpenAIEndpointOptions { RecordRequests = false }, cancellation.Token);
await using var redis = options.Budget is "redis" or "both" ? await LocalRedisServer.StartAsync(cancellationToken: cancellation.Token) : null;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{options.Calls:N0} calls per client at {options.Concurrency} concurrent callers, {options.Users:N0} users, moderation {(options.Moderation ? "on" : "off")}, " +
    $"{Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}; local endpoint {endpoint.BaseUri}"));

var clients = new List<(string Name, Func<Task<SafeClient>> Create)>();
if (options.Budget is "memory" or "both")
{
    clients.Add(("SafeChatClient, in-memory budgets", () => Task.FromResult(SafeClient.Create(endpoint, options, redis: null))));
}

if (redis is not null)
{
    clients.Add(("SafeChatClient, Redis budgets", () => Task.FromResult(SafeClient.Create(endpoint, options, redis))));
}

// One long-lived client per configuration for the whole run, as in a service: in soak mode a
// leak in the pipeline (per-user state, pooled buffers) accumulates round after round and shows
// in the working set, and the budget check compares every round's calls together.
var safeClients = new List<(string Name, SafeClient Client)>();
foreach (var (name, create) in clients)
{
    safeClients.Add((name, await create()));
}

// Each client first runs --warmup calls (5,000 by default) that are not measured, and the whole
// round is repeated --rounds times (5 by default) with the same long-lived clients. The JIT's tiered
// compilation with dynamic PGO takes tens of thousands of calls to settle for the HTTP stack, the
// local server and the pipeline, and the clients of a round run one after another, so a first
// round charges whichever client runs first with the process's warm-up: in one run the raw client
// used 187 µs of CPU per call and SafeChatClient, after it, 106 µs. The last round measures every
// client warm, as a service that runs for hours is; quote it.
var failed = false;
var rounds = 0;
var soakEnds = options.Soak is { } soak ? DateTimeOffset.UtcNow + soak : DateTimeOffset.MinValue;
var raw = endpoint.CreateChatClient("gpt-4o-mini", maxRetries: 0);
var rawModeration = endpoint.CreateModerationClient(maxRetries: 0);
ChatMessage[] question = [ChatMessage.CreateUserMessage("Summarise the benefits of clear documentation in two sentences.")];
var rawOptions = new ChatCompletionOptions { MaxOutputTokenCount = 256 };
do
{
    rounds++;
    Console.WriteLine();
    Console.WriteLine(options.Soak is null ? $"round {rounds} of {options.Rounds}" : $"soak round {rounds}");
    Console.WriteLine(LoadResult.Header);
    await LoadRunner.RunAsync("warm-up", options.WarmUpCalls, options.Concurrency, async (_, token) => (await raw.CompleteChatAsync(question, rawOptions, token)).Value is not null, cancellation.Token);
    var rawResult = await LoadRunner.RunAsync("raw ChatClient", options.Calls, options.Concurrency, async (_, token) =>
        (await raw.CompleteChatAsync(question, rawOptions, token)).Value.FinishReason == ChatFinishReason.Stop, cancellation.Token);
    Console.WriteLine(rawResult);
    failed |= rawResult.Errors > 0;
    LoadResult? byHand = null;
    if (options.Moderation)
    {
        // What a team would write without SafeOpenAI: moderate the question, ask, moderate the
        // answer. Three requests per call, as SafeChatClient makes with moderation on.
        byHand = await LoadRunner.RunAsync("raw ChatClient + moderation by hand", options.Calls, options.Concurrency, async (_, token) =>
        {
            var asked = await rawModeration.ClassifyTextAsync("Summarise the benefits of clear documentation in two sentences.", token);
            var answer = (await raw.CompleteChatAsync(question, rawOptions, token)).Value;
            var answered = await rawModeration.ClassifyTextAsync(answer.Content[0].Text, token);
            return !asked.Value.Flagged && !answered.Value.Flagged && answer.FinishReason == ChatFinishReason.Stop;
        }, cancellation.Token);
        Console.WriteLine(byHand);
        failed |= byHand.Errors > 0;
    }

    foreach (var (name, safe) in safeClients)
    {
        await LoadRunner.RunAsync("warm-up", options.WarmUpCalls, options.Concurrency, (i, token) => safe.CallAsync(i, token), cancellation.Token);
        var result = await LoadRunner.RunAsync(name, options.Calls, options.Concurrency, (i, token) => safe.CallAsync(i, token), cancellation.Token);
        Console.WriteLine(result + string.Create(CultureInfo.InvariantCulture, $" {result.CallsPerSecond / rawResult.CallsPerSecond:P0} of raw") +
            (byHand is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $", {result.CallsPerSecond / byHand.CallsPerSecond:P0} of moderation by hand")));
        var budget = await safe.CheckBudgetsAsync(cancellation.Token);
        Console.WriteLine($"  budgets: {budget}");
        failed |= result.Errors > 0 || result.NotCompleted > 0 || !budget.StartsWith("exact", StringComparison.Ordinal);
    }
}
while ((rounds < options.Rounds || DateTimeOffset.UtcNow < soakEnds) && !cancellation.IsCancellationRequested);

foreach (var (_, safe) in safeClients)
{
    safe.Dispose();
}

Console.WriteLine();
Console.WriteLine(failed ? "FAILED: errors, blocked calls or budget mismatches above." : "passed: no errors, every call completed, budgets exact.");
return failed ? 1 : 0;

/// <summary>A SafeChatClient over the local endpoint with generous per-user budgets, and the totals it billed per user.</summary>
internal sealed class SafeClient : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly SafeChatClient _client;
    private readonly int _users;
    private readonly ConcurrentDictionary<string, (long Tokens, long Requests)> _billed = new(StringComparer.Ordinal);

    private SafeClient(ServiceProvider services, int users)
    {
        _services = services;
        _client = services.GetRequiredService<SafeChatClient>();
        _users = users;
    }

    public static SafeClient Create(LocalOpenAIEndpoint endpoint, LoadOptions options, LocalRedisServer? redis)
    {
        var services = new ServiceCollection();
        services.AddSingleton(endpoint.CreateChatClient("gpt-4o-mini", maxRetries: 0));
        services.AddSingleton(endpoint.CreateModerationClient(maxRetries: 0));
        var builder = services.AddSafeOpenAI(o =>
        {
            o.Identity.HashKey = "load-test-hash-key-0123456789abcdef";
            o.Moderation.Enabled = options.Moderation;
            o.Hardening.DefaultMaxOutputTokens = 256;
            o.Budget.Limits.Add(new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Month, Tokens = long.MaxValue / 4 });
            o.Budget.RequestsPerMinute = null;
        });
        if (redis is not null)
        {
            builder.UseRedisBudgets(o => o.Configuration = redis.Configuration + ",abortConnect=false");
        }

        return new SafeClient(services.BuildServiceProvider(), options.Users);
    }

    public async Task<bool> CallAsync(int index, CancellationToken cancellationToken)
    {
        var result = await _client.CompleteAsync(
            new SafeChatRequest([ChatMessage.CreateUserMessage("Summarise the benefits of clear documentation in two sentences.")])
            {
                Identity = new SafetyIdentity("load-user-" + (index % _users).ToString(CultureInfo.InvariantCulture)),
            },
            cancellationToken).ConfigureAwait(false);
        var tokens = result.Usage?.TotalTokens ?? 0;
        _billed.AddOrUpdate(result.SafetyIdentifier!, _ => (tokens, 1), (_, sum) => (sum.Tokens + tokens, sum.Requests + 1));
        return result.Status == SafeChatStatus.Completed;
    }

    /// <summary>Compares every user's budget usage with what the calls billed (warm-up included), and checks nothing stays reserved.</summary>
    public async Task<string> CheckBudgetsAsync(CancellationToken cancellationToken)
    {
        var reader = _services.GetRequiredService<IBudgetUsageReader>();
        var mismatches = 0;
        long held = 0;
        foreach (var (user, billed) in _billed)
        {
            var usage = await reader.GetUsageAsync(BudgetScope.User, user, BudgetWindow.Month, cancellationToken).ConfigureAwait(false);
            held += usage.HeldTokens + usage.HeldRequests;
            if (usage.Tokens != billed.Tokens || usage.Requests != billed.Requests)
            {
                mismatches++;
            }
        }

        var total = _billed.Values.Aggregate((Tokens: 0L, Requests: 0L), (sum, b) => (sum.Tokens + b.Tokens, sum.Requests + b.Requests));
        return mismatches == 0 && held == 0
            ? string.Create(CultureInfo.InvariantCulture, $"exact for {_billed.Count:N0} users ({total.Requests:N0} requests, {total.Tokens:N0} tokens), nothing held")
            : string.Create(CultureInfo.InvariantCulture, $"MISMATCH: {mismatches} users differ, {held} tokens and requests still held");
    }

    public void Dispose() => _services.Dispose();
}
