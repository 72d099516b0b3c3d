using System.Runtime.CompilerServices;
using SafeOpenAI.Tests.Pipeline;

namespace SafeOpenAI.Tests.Groundedness;

/// <summary>The groundedness check on a streamed answer, window by window, through the pipeline.</summary>
public sealed class GroundednessStreamingTests
{
    private const string Source = "The museum is open Tuesday to Sunday from 10:00 to 18:00 and closed on Mondays. Entry costs 15 euros for adults. Guided tours start at 11:00.";

    private const string Answer =
        "The museum is open Tuesday to Sunday. It is closed on Mondays. Entry costs 15 euros for adults. "
        + "Students pay 9 euros on Fridays. Guided tours start at 11:00.";

    private static SafetyRequest Request(params SourceDocument[] sources) =>
        new([SafetyMessage.FromText(MessageRole.User, "When can I visit?")], "gpt-4o-mini") { Identity = new SafetyIdentity("user-1"), Sources = sources };

    [Test]
    public async Task HoldBack_releases_the_supported_windows_and_nothing_of_the_unsupported_claim()
    {
        var unsupportedAt = Answer.IndexOf("Students", StringComparison.Ordinal);
        var pipeline = PipelineFactory.Create(outputValidators: [new GroundednessValidator(new GroundednessOptions())], configure: o => o.Streaming.WindowCharacters = 30);
        var released = new List<SafetyStreamRelease>();

        var result = await pipeline.RunStreamingAsync(Request(new SourceDocument("museum", Source)), Invoke(Pieces(Answer, 7)), Collect(released), CancellationToken.None);

        var text = string.Concat(released.Select(r => r.RewrittenText ?? string.Concat(r.Chunks.Select(c => c.Text))));
        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo(GroundednessValidator.UnsupportedCode));
        Assert.That(result.DecisiveVerdict.Evidence.ContainsKey("window"), Is.True);
        Assert.That(text, Is.Not.Empty, "the supported windows before it were released");
        Assert.That(Answer.StartsWith(text, StringComparison.Ordinal), Is.True);
        Assert.That(text, Has.Length.LessThanOrEqualTo(unsupportedAt));
    }

    [Test]
    public async Task Without_sources_the_validator_is_not_called_and_the_stream_completes()
    {
        var pipeline = PipelineFactory.Create(outputValidators: [new GroundednessValidator(new GroundednessOptions())], configure: o => o.Streaming.WindowCharacters = 30);
        var released = new List<SafetyStreamRelease>();

        var result = await pipeline.RunStreamingAsync(Request(), Invoke(Pieces(Answer, 7)), Collect(released), CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(result.Verdicts.Where(v => v.Stage == "Groundedness"), Is.Empty);
        Assert.That(string.Concat(released.SelectMany(r => r.Chunks).Select(c => c.Text)), Is.EqualTo(Answer));
    }

    private static List<string> Pieces(string text, int size) =>
        [.. Enumerable.Range(0, (text.Length + size - 1) / size).Select(i => text.Substring(i * size, Math.Min(size, text.Length - (i * size))))];

    private static SafetyStreamInvoker Invoke(IReadOnlyList<string> pieces) => (request, token) => Stream(pieces, token);

    private static async IAsyncEnumerable<SafetyStreamChunk> Stream(IReadOnlyList<string> pieces, [EnumeratorCancellation] CancellationToken token)
    {
        foreach (var piece in pieces)
        {
            token.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return new SafetyStreamChunk(piece, piece);
        }
    }

    private static SafetyStreamReleaser Collect(List<SafetyStreamRelease> released) =>
        (release, token) =>
        {
            released.Add(release);
            return ValueTask.CompletedTask;
        };
}
