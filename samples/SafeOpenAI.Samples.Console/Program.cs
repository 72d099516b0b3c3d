using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenAI.Chat;
using SafeOpenAI;
using SafeOpenAI.Samples.Console;
using SafeOpenAI.Testing;

// Sends each prompt through SafeChatClient and prints a row per prompt: status, verdict codes,
// tokens, cost and the answer. Prompts come from the arguments, from --file (plain lines or JSON
// Lines with a "text" field) or from standard input; with none, a short tour shows each stage act.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

IReadOnlyList<string> prompts;
try
{
    prompts = PromptSource.Read(args, Console.In, Console.IsInputRedirected);
}
catch (Exception ex) when (ex is ArgumentException or IOException or FormatException or System.Text.Json.JsonException)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

var apiKey = Environment.GetEnvironmentVariable("OPENAI_API_KEY");
await using var local = string.IsNullOrWhiteSpace(apiKey) ? await LocalOpenAIEndpoint.StartAsync(cancellationToken: cancellation.Token) : null;
Console.WriteLine(local is null
    ? "online: OPENAI_API_KEY is set, so calls go to OpenAI."
    : $"offline: OPENAI_API_KEY is not set, so calls go to the embedded local OpenAI-compatible endpoint at {local.BaseUri} " +
      "(a deterministic echo model and a keyword moderation stand-in: neither is a real model or classifier).");

using var host = SampleHost.Build(local?.BaseUri);
await host.StartAsync(cancellation.Token);
var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SafeOpenAIOptions>>().Value;
if (!options.Identity.AllowUnkeyedHashing || !string.IsNullOrEmpty(options.Identity.HashKey))
{
    Console.WriteLine("safety identifiers: HMAC-SHA256 keyed by SafeOpenAI:Identity:HashKey.");
}
else
{
    Console.WriteLine("safety identifiers: unkeyed SHA-256 (development mode); set SafeOpenAI__Identity__HashKey for production.");
}

Console.WriteLine($"audit: one record per call (keyed hashes, verdict codes, tokens, cost, stage timings; no prompt or answer text) in the SQLite file {SampleHost.AuditPath}");
Console.WriteLine($"       list the flagged ones with: dotnet run --project src/SafeOpenAI.Cli -- audit --db \"{SampleHost.AuditPath}\" --flagged");
var client = host.Services.GetRequiredService<SafeChatClient>();
Console.WriteLine($"pipeline: {string.Join(" → ", client.SafetyPipeline.Stages.Select(s => $"{s.Name} ({s.Phase})"))}");
var printer = new ResultPrinter(Console.Out);

if (prompts.Count == 0)
{
    var tour = new Tour(client, printer, Console.Out, local);
    await tour.RunAsync(cancellation.Token);
    await BudgetStep.RunAsync(local?.BaseUri, printer, Console.Out, tour.Steps + 1, cancellation.Token);
    await Tour.RunFieldAndClassifierStepsAsync(local, printer, Console.Out, tour.Steps + 2, cancellation.Token);
    await StructuredOutputStep.RunAsync(client, local, printer, Console.Out, tour.Steps + (local is null ? 3 : 4), cancellation.Token);
    await CuratedStep.RunAsync(local, printer, Console.Out, tour.Steps + (local is null ? 4 : 5), cancellation.Token);
    await StreamingStep.RunAsync(local, Console.Out, tour.Steps + (local is null ? 5 : 6), cancellation.Token);
    await AbuseStep.RunAsync(local?.BaseUri, printer, Console.Out, tour.Steps + (local is null ? 6 : 7), cancellation.Token);
    await ReviewStep.RunAsync(local?.BaseUri, printer, Console.Out, tour.Steps + (local is null ? 7 : 8), cancellation.Token);
    await ScopeStep.RunAsync(local, printer, Console.Out, tour.Steps + (local is null ? 8 : 9), cancellation.Token);
}
else
{
    printer.Header();
    for (var i = 0; i < prompts.Count; i++)
    {
        var request = new SafeChatRequest([ChatMessage.CreateUserMessage(prompts[i])])
        {
            Identity = new SafetyIdentity("console-user", "console-session"),
        };
        try
        {
            printer.Print(i + 1, await client.CompleteAsync(request, cancellation.Token));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            printer.PrintFailure(i + 1, ex);
        }
    }
}

printer.PrintSummary();
await host.StopAsync(CancellationToken.None);
return 0;
