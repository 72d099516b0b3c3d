using SafeOpenAI.Samples.SemanticKernel;
using SafeOpenAI.Testing;

// Semantic Kernel over SafeOpenAI's IChatClient door. With OPENAI_API_KEY unset the calls go to an
// embedded local OpenAI-compatible endpoint, scripted so the model calls tools; nothing leaves the machine.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var apiKey = Environment.GetEnvironmentVariable("OPENAI_API_KEY");
await using var local = string.IsNullOrWhiteSpace(apiKey) ? await LocalOpenAIEndpoint.StartAsync(cancellationToken: cancellation.Token) : null;
await SemanticKernelTour.RunAsync(Console.Out, local, apiKey, cancellation.Token);
return 0;
