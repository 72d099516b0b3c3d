using System.Runtime.CompilerServices;
using SafeOpenAI.Testing;
using SafeOpenAI.Tests.Pipeline;

namespace SafeOpenAI.Tests.Streaming;

/// <summary>The pipeline's windowed output checks on a streamed answer, with chunk boundaries chosen at random.</summary>
public sealed class StreamingWindowsTests
{
    private const string Answer =
        "Paris is the capital of France. It lies on the Seine. The city has many museums and parks. "
        + "FORBIDDEN words appear in this sentence. The rest of the answer is harmless. It talks about food and wine.";

    [Test]
    public async Task HoldBack_never_releases_a_chunk_of_a_failing_window_whatever_the_chunk_boundaries()
    {
        var forbiddenAt = Answer.IndexOf("FORBIDDEN", StringComparison.Ordinal);
        var random = new Random(20261123);
        for (var trial = 0; trial < 300; trial++)
        {
            var pieces = RandomPieces(Answer, random);
            var moderation = new FakeModerationCheck { Handler = FlagForbidden };
            var pipeline = PipelineFactory.Create(moderation: moderation, configure: o => o.Streaming.WindowCharacters = 20 + random.Next(0, 60));
            var released = new List<SafetyStreamRelease>();

            var result = await pipeline.RunStreamingAsync(Request(), Invoke(pieces), Collect(released), CancellationToken.None);

            var text = ReleasedText(released);
            Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked), $"trial {trial}");
            Assert.That(Answer.StartsWith(text, StringComparison.Ordinal), Is.True, $"trial {trial}: released text is a prefix of the answer");
            Assert.That(text, Has.Length.LessThanOrEqualTo(forbiddenAt), $"trial {trial}: nothing of the failing window was released");
            // The failing check saw (context + window); the context is the last 60 released
            // characters, so the release stopped exactly where the failing window begins.
            var failing = moderation.Calls.Last(c => c.Direction == ModerationDirection.Output).Parts[0].Text!;
            var windowStart = text.Length - Math.Min(60, text.Length);
            Assert.That(Answer[windowStart..].StartsWith(failing, StringComparison.Ordinal), Is.True, $"trial {trial}: the release ends where the failing window starts");
            Assert.That(failing, Does.Contain("FORBIDDEN"));
        }
    }

    [Test]
    public async Task HoldBack_releases_every_window_of_a_clean_answer_in_order_with_contexts()
    {
        var validator = new FakeOutputValidator { Scope = OutputValidationScope.Window };
        var pipeline = PipelineFactory.Create(outputValidators: [validator], configure: o =>
        {
            o.Streaming.WindowCharacters = 40;
            o.Streaming.OverlapCharacters = 10;
        });
        var released = new List<SafetyStreamRelease>();

        var result = await pipeline.RunStreamingAsync(Request(), Invoke(RandomPieces(Clean, new Random(7))), Collect(released), CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(ReleasedText(released), Is.EqualTo(Clean));
        Assert.That(result.Response!.Text, Is.EqualTo(Clean));
        var windows = validator.Calls.Select(c => c.Response.Window!).ToList();
        Assert.That(windows, Has.Count.GreaterThan(2));
        Assert.That(windows.Select(w => w.Index), Is.EqualTo(Enumerable.Range(0, windows.Count)));
        Assert.That(windows.Count(w => w.IsFinal), Is.EqualTo(1));
        Assert.That(windows[^1].IsFinal, Is.True);
        var offset = 0;
        foreach (var call in validator.Calls)
        {
            Assert.That(call.Response.Window!.Offset, Is.EqualTo(offset));
            var expectedContext = Clean[Math.Max(0, offset - 10)..offset];
            Assert.That(call.Response.Window.Context, Is.EqualTo(expectedContext));
            offset += call.Response.Text.Length;
        }

        Assert.That(offset, Is.EqualTo(Clean.Length), "the windows cover the answer exactly once");
    }

    [Test]
    public async Task A_whole_answer_validator_holds_every_window_until_the_end()
    {
        var validator = new FakeOutputValidator();
        validator.BlockWith("custom.rejected");
        var pipeline = PipelineFactory.Create(outputValidators: [validator], configure: o => o.Streaming.WindowCharacters = 20);
        var released = new List<SafetyStreamRelease>();

        var result = await pipeline.RunStreamingAsync(Request(), Invoke(RandomPieces(Clean, new Random(3))), Collect(released), CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo("custom.rejected"));
        Assert.That(released, Is.Empty);
        Assert.That(validator.Calls.Single().Response.Window, Is.Null, "it saw the whole answer");
        Assert.That(validator.Calls.Single().Response.Text, Is.EqualTo(Clean));
    }

    [Test]
    public async Task A_window_rewrite_is_released_in_place_of_the_model_text()
    {
        var validator = new FakeOutputValidator
        {
            Scope = OutputValidationScope.Window,
            Handler = call => call.Response.Text.Contains("Seine", StringComparison.Ordinal)
                ? OutputValidationResult.Rewrite(new SafetyVerdict("Fake", SafetyAction.Rewrite, "fake.rewritten"), call.Response.WithParts([MessagePart.FromText(call.Response.Text.Replace("Seine", "river", StringComparison.Ordinal))]))
                : OutputValidationResult.Allow("Fake"),
        };
        var pipeline = PipelineFactory.Create(outputValidators: [validator], configure: o => o.Streaming.WindowCharacters = 20);
        var released = new List<SafetyStreamRelease>();

        var result = await pipeline.RunStreamingAsync(Request(), Invoke(RandomPieces(Clean, new Random(11))), Collect(released), CancellationToken.None);

        var expected = Clean.Replace("Seine", "river", StringComparison.Ordinal);
        Assert.That(ReleasedText(released), Is.EqualTo(expected));
        Assert.That(result.Response!.Text, Is.EqualTo(expected));
        Assert.That(result.Response.IsRewritten, Is.True);
        Assert.That(released.Count(r => r.RewrittenText is not null), Is.EqualTo(1), "only the rewritten window is replaced");
    }

    [Test]
    public async Task CutOff_releases_each_chunk_before_its_window_is_checked_and_stops_at_the_failing_window()
    {
        var pieces = RandomPieces(Answer + string.Concat(Enumerable.Repeat(" More harmless text follows here.", 20)), new Random(5));
        var moderation = new FakeModerationCheck();
        var pipeline = PipelineFactory.Create(moderation: moderation, configure: o =>
        {
            o.Streaming.Mode = StreamingMode.CutOff;
            o.Streaming.WindowCharacters = 20;
        });
        var released = new List<SafetyStreamRelease>();
        var checkedBeforeRelease = new List<bool>();
        var flagged = new TaskCompletionSource();
        moderation.Handler = call =>
        {
            var verdict = FlagForbidden(call);
            if (verdict.Action == SafetyAction.Block)
            {
                flagged.TrySetResult();
            }

            return verdict;
        };

        var result = await pipeline.RunStreamingAsync(
            Request(),
            InvokeSlowly(pieces, flagged.Task),
            (release, token) =>
            {
                checkedBeforeRelease.Add(moderation.Calls.Any(c => c.Direction == ModerationDirection.Output));
                released.Add(release);
                return ValueTask.CompletedTask;
            },
            CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo("moderation.flagged:violence"));
        Assert.That(checkedBeforeRelease[0], Is.False, "the first chunk went out before any window was checked");
        Assert.That(released.All(r => r.Chunks.Count == 1 && r.RewrittenText is null), Is.True, "chunks flow one by one, unchanged");
        Assert.That(ReleasedText(released), Does.Not.EndWith("More harmless text follows here."), "the stream stopped at the failing window");
        Assert.That(result.Verdicts.Select(v => v.Code), Does.Contain("usage.estimated"), "the text received before the stop is billed");
    }

    [Test]
    public async Task A_streamed_reask_blocks_because_a_streamed_answer_cannot_be_asked_for_again()
    {
        var validator = new FakeOutputValidator
        {
            Scope = OutputValidationScope.Window,
            Result = OutputValidationResult.Reask(SafetyVerdict.Block("Fake", "schema.invalid", "Invalid."), "fix it"),
        };
        var pipeline = PipelineFactory.Create(outputValidators: [validator]);
        var released = new List<SafetyStreamRelease>();

        var result = await pipeline.RunStreamingAsync(Request(), Invoke([Clean]), Collect(released), CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo("schema.invalid"));
        Assert.That(released, Is.Empty);
    }

    private const string Clean =
        "Paris is the capital of France. It lies on the Seine. The city has many museums and parks. "
        + "The rest of the answer is harmless. It talks about food and wine.";

    private static SafetyVerdict FlagForbidden(ModerationCall call) =>
        call.Direction == ModerationDirection.Output && call.Parts.Any(p => p.Text?.Contains("FORBIDDEN", StringComparison.Ordinal) == true)
            ? SafetyVerdict.Block("FakeModeration", "moderation.flagged:violence", "Flagged.")
            : SafetyVerdict.Allow("FakeModeration");

    private static SafetyRequest Request() =>
        new([SafetyMessage.FromText(MessageRole.User, "Tell me about Paris.")], "gpt-4o-mini") { Identity = new SafetyIdentity("user-1") };

    private static List<string> RandomPieces(string text, Random random) => TokenLikePieces.Split(text, random, mergeChance: 4);

    private static SafetyStreamInvoker Invoke(IReadOnlyList<string> pieces) => (request, token) => Stream(pieces, null, token);

    private static SafetyStreamInvoker InvokeSlowly(IReadOnlyList<string> pieces, Task flagged) => (request, token) => Stream(pieces, flagged, token);

    private static async IAsyncEnumerable<SafetyStreamChunk> Stream(IReadOnlyList<string> pieces, Task? flagged, [EnumeratorCancellation] CancellationToken token)
    {
        foreach (var piece in pieces)
        {
            token.ThrowIfCancellationRequested();
            if (flagged is not null)
            {
                // Like a model producing tokens while the check runs: yield, and after the flag give
                // the checker a moment to stop the stream.
                await Task.Yield();
                if (flagged.IsCompleted)
                {
                    await Task.Delay(Timeout.Infinite, token);
                }
            }

            yield return new SafetyStreamChunk(piece, piece);
        }

        yield return SafetyStreamChunk.Completed(new SafetyResponse([MessagePart.FromText(string.Concat(pieces))], flagged is null ? new TokenUsage(10, 20) : null, "stop"));
    }

    private static SafetyStreamReleaser Collect(List<SafetyStreamRelease> released) =>
        (release, token) =>
        {
            released.Add(release);
            return ValueTask.CompletedTask;
        };

    private static string ReleasedText(IEnumerable<SafetyStreamRelease> released) =>
        string.Concat(released.Select(r => r.RewrittenText ?? string.Concat(r.Chunks.Select(c => c.Text))));
}
