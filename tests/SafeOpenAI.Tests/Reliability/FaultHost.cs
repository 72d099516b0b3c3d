using SafeOpenAI.Testing;
using SafeOpenAI.Tests.Budget;
using SafeOpenAI.Tests.Integration;

namespace SafeOpenAI.Tests.Reliability;

/// <summary>
/// An <see cref="IntegrationHost"/> (real OpenAI SDK, local endpoint on 127.0.0.1) with a real
/// <see cref="InMemoryBudgetTracker"/> whose figures a fault test reads back, and the checks every
/// fault test makes: nothing stays reserved, the budget holds exactly the billed usage, one audit
/// record was written, and no task failed unobserved.
/// </summary>
internal sealed class FaultHost : IAsyncDisposable
{
    /// <summary>The user's token limit per hour: far above anything a test spends, so no call is denied.</summary>
    public const long TokenLimit = 1_000_000;

    /// <summary>The output cap every call reserves for (the pipeline's default <c>max_completion_tokens</c>).</summary>
    public const int MaxOutputTokens = 200;

    /// <summary>An upper bound on waiting for something the test set in motion; a hang fails instead of blocking.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly List<Exception> _unobserved = [];

    private FaultHost(IntegrationHost host, InMemoryBudgetTracker budget)
    {
        Host = host;
        Budget = budget;
        TaskScheduler.UnobservedTaskException += OnUnobservedTaskException;
    }

    public IntegrationHost Host { get; }

    public LocalOpenAIEndpoint Endpoint => Host.Endpoint;

    public SafeChatClient Client => Host.Client;

    public RecordingAuditSink Audit => Host.Audit;

    public InMemoryBudgetTracker Budget { get; }

    /// <summary>
    /// Starts a host. <paramref name="innerRetries"/> and <paramref name="networkTimeout"/> are the
    /// inner SDK clients' options; <paramref name="wrapBudget"/> puts a tracker in front of the in-memory one.
    /// </summary>
    public static async Task<FaultHost> StartAsync(
        Action<SafeOpenAIOptions>? configure = null,
        Action<ISafeOpenAIBuilder>? build = null,
        LocalOpenAIEndpointOptions? endpointOptions = null,
        int innerRetries = 0,
        TimeSpan? networkTimeout = null,
        Func<InMemoryBudgetTracker, IBudgetTracker>? wrapBudget = null)
    {
        var budget = new InMemoryBudgetTracker(BudgetTestOptions.TokenLimit(TokenLimit));
        var host = await IntegrationHost.StartAsync(
            o =>
            {
                o.Hardening.DefaultMaxOutputTokens = MaxOutputTokens;
                configure?.Invoke(o);
            },
            b =>
            {
                b.UseBudgetTracker(_ => wrapBudget?.Invoke(budget) ?? budget);
                build?.Invoke(b);
            },
            endpointOptions,
            endpoint => endpoint.CreateClientOptions(innerRetries, networkTimeout));
        return new FaultHost(host, budget);
    }

    public static SafeChatRequest Ask(string text = "What is the capital of France?") => IntegrationHost.Ask(text);

    /// <summary>Makes user-1 the ambient identity, for the drop-in <c>ChatClient</c> methods that take no <see cref="SafeChatRequest"/>.</summary>
    public static IDisposable AsUser() => AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("user-1", "session-1"));

    /// <summary>What user-1 spent this hour and what its open reservations hold.</summary>
    public async Task<BudgetUsage> UsageAsync() =>
        await Budget.GetUsageAsync(BudgetScope.User, IntegrationHost.SafetyIdentifierOf("user-1"), BudgetWindow.Hour, CancellationToken.None);

    /// <summary>Asserts that no reservation is left open and that the budget was charged exactly <paramref name="chargedTokens"/>.</summary>
    public async Task AssertBudgetAsync(long chargedTokens, long chargedRequests)
    {
        var usage = await UsageAsync();
        Assert.Multiple(() =>
        {
            Assert.That(usage.HeldTokens, Is.Zero, "tokens left reserved");
            Assert.That(usage.HeldRequests, Is.Zero, "requests left reserved");
            Assert.That(usage.Tokens, Is.EqualTo(chargedTokens), "tokens charged");
            Assert.That(usage.Requests, Is.EqualTo(chargedRequests), "requests charged");
        });
    }

    /// <summary>
    /// Asserts what a stream that broke or was cancelled after the model began to answer costs: the
    /// provider billed the prompt and what it streamed, so one request is charged with an estimated
    /// usage (verdict <c>usage.estimated</c>) that is more than nothing and no more than the
    /// reservation (the prompt plus <see cref="MaxOutputTokens"/>), and nothing stays reserved.
    /// </summary>
    public async Task AssertInterruptedStreamChargedAsync(AuditRecord record)
    {
        var usage = await UsageAsync();
        Assert.Multiple(() =>
        {
            Assert.That(usage.HeldTokens, Is.Zero, "tokens left reserved");
            Assert.That(usage.HeldRequests, Is.Zero, "requests left reserved");
            Assert.That(usage.Requests, Is.EqualTo(1), "the request the model answered is charged");
            Assert.That(usage.Tokens, Is.GreaterThan(0).And.LessThanOrEqualTo(record.Usage!.InputTokens + MaxOutputTokens), "the estimate, within the reservation");
            Assert.That(record.Usage!.OutputTokens, Is.LessThanOrEqualTo(MaxOutputTokens));
            Assert.That(record.VerdictCodes, Has.Some.EndsWith(":usage.estimated"));
        });
    }

    /// <summary>
    /// Asserts how the call ended for the budget and the runtime: charged exactly
    /// <paramref name="chargedTokens"/> and <paramref name="chargedRequests"/>, nothing left reserved,
    /// and no task's exception left unobserved.
    /// </summary>
    public async Task AssertSettledAsync(long chargedTokens, long chargedRequests)
    {
        await AssertBudgetAsync(chargedTokens, chargedRequests);
        AssertNoUnobservedTaskException();
    }

    /// <summary>Returns the one audit record written, failing when there is none or more than one.</summary>
    public AuditRecord SingleAuditRecord()
    {
        var records = Audit.Records;
        Assert.That(records, Has.Count.EqualTo(1), "exactly one audit record for the call");
        return records[0];
    }

    /// <summary>Asserts that no task of the call failed without anyone observing its exception.</summary>
    public void AssertNoUnobservedTaskException()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        lock (_unobserved)
        {
            Assert.That(_unobserved, Is.Empty, "a task failed and nobody observed it");
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, failing the test after <see cref="Patience"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (!condition())
        {
            if (patience.IsCancellationRequested)
            {
                Assert.Fail($"Gave up waiting until {what}.");
            }

            await Task.Delay(5, CancellationToken.None);
        }
    }

    /// <summary>Waits until the endpoint saw the client abandon <paramref name="request"/>.</summary>
    public async Task<RecordedRequest> WaitForAbortAsync(RecordedRequest request)
    {
        using var patience = new CancellationTokenSource(Patience);
        return await Endpoint.WaitForAbortAsync(request.Sequence, patience.Token);
    }

    public async ValueTask DisposeAsync()
    {
        TaskScheduler.UnobservedTaskException -= OnUnobservedTaskException;
        await Host.DisposeAsync();
        Budget.Dispose();
    }

    private void OnUnobservedTaskException(object? sender, UnobservedTaskExceptionEventArgs e)
    {
        lock (_unobserved)
        {
            _unobserved.Add(e.Exception);
        }
    }
}
