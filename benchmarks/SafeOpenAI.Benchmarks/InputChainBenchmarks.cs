using BenchmarkDotNet.Attributes;

namespace SafeOpenAI.Benchmarks;

/// <summary>
/// The whole local input chain of the speed target, in pipeline order: input length,
/// secrets, PII redaction and prompt injection (which normalises the text first), on one user
/// message. Goal: ≤ 50 µs median on a 1 KB prompt and linear in input size up to 1 MB.
/// </summary>
[MemoryDiagnoser]
public class InputChainBenchmarks
{
    private const string CleanSentence = "Please review the following release notes and suggest clearer wording for each item, keeping the meaning. ";
    private const string PiiSentence = "Contact jane.doe@example.com or +44 20 7946 0958 about invoice 4111 1111 1111 1111 for the team. ";

    private IInputGuard[] _chain = null!;
    private SafetyRequest _request = null!;

    /// <summary>Gets or sets the prompt: clean or with PII, 1 KB or 1 MB.</summary>
    [Params("clean-1KB", "pii-1KB", "clean-1MB")]
    public string Prompt { get; set; } = "clean-1KB";

    [GlobalSetup]
    public void Setup()
    {
        var size = Prompt.EndsWith("1MB", StringComparison.Ordinal) ? 1024 * 1024 : 1024;
        var sentence = Prompt.StartsWith("pii", StringComparison.Ordinal) ? PiiSentence : CleanSentence;
        var text = Repeat(sentence, size);
        _request = new SafetyRequest([SafetyMessage.FromText(MessageRole.System, "You are a concise assistant."), SafetyMessage.FromText(MessageRole.User, text)], "gpt-4o-mini");
        _chain =
        [
            new InputLengthGuard(new InputLengthGuardOptions { MaxCharacters = 2_000_000, MaxTokens = 2_000_000 }, TiktokenTokenCounter.Shared),
            new SecretsGuard(new SecretsGuardOptions()),
            new PiiRedactionGuard(new PiiRedactionOptions()),
            new PromptInjectionGuard(new PromptInjectionGuardOptions()),
        ];
    }

    [Benchmark(Description = "length + secrets + PII + injection")]
    public async Task<SafetyAction> Chain()
    {
        var request = _request;
        var strictest = SafetyAction.Allow;
        foreach (var guard in _chain)
        {
            var result = await guard.InspectAsync(request, CancellationToken.None);
            strictest = (SafetyAction)Math.Max((int)strictest, (int)result.Verdict.Action);
            if (result.RewrittenMessages is { } rewritten)
            {
                request = request.WithMessages(rewritten);
            }
        }

        return strictest;
    }

    private static string Repeat(string sentence, int characters)
    {
        var builder = new System.Text.StringBuilder(characters + sentence.Length);
        while (builder.Length < characters)
        {
            builder.Append(sentence);
        }

        return builder.ToString(0, characters);
    }
}
