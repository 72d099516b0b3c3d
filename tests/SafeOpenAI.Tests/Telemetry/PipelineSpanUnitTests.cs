using System.Diagnostics;
using SafeOpenAI.Tests.Pipeline;

namespace SafeOpenAI.Tests.Telemetry;

/// <summary>Span bookkeeping of the pipeline itself: stage spans end whatever a stage does.</summary>
public class PipelineSpanUnitTests
{
    [Test]
    public void A_guard_that_throws_ends_its_span_with_the_error_and_leaves_nothing_current()
    {
        var pipeline = PipelineFactory.Create(inputGuards: [new ThrowingGuard()]);
        using var spans = new SpanCollector();

        Assert.ThrowsAsync<InvalidDataException>(() => pipeline.RunAsync(PipelineFactory.Request(), (_, _) => Task.FromResult(PipelineFactory.Answer()), CancellationToken.None));

        var guard = spans.StageSpans.Single(s => s.DisplayName == ThrowingGuard.StageName);
        Assert.That(guard.GetTagItem("error.type"), Is.EqualTo(typeof(InvalidDataException).FullName));
        Assert.That(guard.Status, Is.EqualTo(ActivityStatusCode.Error));
        Assert.That(guard.ParentSpanId, Is.EqualTo(spans.CallSpan.SpanId));
        Assert.That(spans.CallSpan.GetTagItem("safeopenai.status"), Is.EqualTo("failed"));
        Assert.That(Activity.Current, Is.SameAs(spans.Root));
    }

    [Test]
    public async Task A_guard_that_rewrites_is_tagged_with_its_verdict_and_the_model_span_follows_it()
    {
        var pipeline = PipelineFactory.Create(inputGuards: [new RewritingGuard()]);
        using var spans = new SpanCollector();
        Activity? currentInModel = null;

        await pipeline.RunAsync(PipelineFactory.Request(), (_, _) =>
        {
            currentInModel = Activity.Current;
            return Task.FromResult(PipelineFactory.Answer());
        }, CancellationToken.None);

        var stages = spans.StageSpans;
        Assert.That(stages.Select(s => s.DisplayName), Is.EqualTo(new[] { RewritingGuard.StageName, "Model" }));
        Assert.That(stages[0].GetTagItem("safeopenai.verdict.code"), Is.EqualTo("test.rewritten"));
        Assert.That(stages[0].GetTagItem("safeopenai.verdict.action"), Is.EqualTo("rewrite"));
        Assert.That(currentInModel, Is.SameAs(stages[1]), "the model is invoked inside its stage span");
        Assert.That(Activity.Current, Is.SameAs(spans.Root));
    }

    [Test]
    public void The_input_messages_json_follows_the_semantic_conventions_shape()
    {
        var json = PipelineTelemetry.InputMessagesJson(
        [
            SafetyMessage.FromText(MessageRole.System, "Sé breve."),
            new SafetyMessage(MessageRole.Assistant, [], [new ToolCallInfo("call_1", "lookup", "{\"q\":1}")]),
            new SafetyMessage(MessageRole.Tool, [MessagePart.FromText("42")], toolCallId: "call_1"),
            new SafetyMessage(MessageRole.User, [MessagePart.FromText("And this?"), MessagePart.FromImage(new Uri("https://example.com/a.png"))]),
        ]);

        Assert.That(json, Is.EqualTo(
            "[{\"role\":\"system\",\"parts\":[{\"type\":\"text\",\"content\":\"Sé breve.\"}]},"
            + "{\"role\":\"assistant\",\"parts\":[{\"type\":\"tool_call\",\"id\":\"call_1\",\"name\":\"lookup\",\"arguments\":\"{\\\"q\\\":1}\"}]},"
            + "{\"role\":\"tool\",\"parts\":[{\"type\":\"tool_call_response\",\"id\":\"call_1\",\"response\":\"42\"}]},"
            + "{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"And this?\"},{\"type\":\"image\"}]}]"));
    }

    [Test]
    public void Captured_content_masks_the_canary_secrets_and_pii_even_when_opted_in()
    {
        var masker = new CapturedContentMasker("4f9c0d2be71a5836");

        var json = PipelineTelemetry.InputMessagesJson(
        [
            SafetyMessage.FromText(MessageRole.System, "<!-- canary: 4F9C0D2BE71A5836 --> Be brief."),
            SafetyMessage.FromText(MessageRole.User, "Mail ada@example.com, key AKIAIOSFODNN7EXAMPLE."),
        ],
            masker);

        Assert.That(json, Does.Contain("<!-- canary: <CANARY_TOKEN> --> Be brief."));
        Assert.That(json, Does.Contain("Mail <EMAIL_ADDRESS>, key <AWS_ACCESS_KEY_ID>."));
        Assert.That(json, Does.Not.Contain("ada@example.com").And.Not.Contain("AKIAIOSFODNN7EXAMPLE").And.Not.Contain("4f9c0d2be71a5836").IgnoreCase);
        Assert.That(masker.Mask("Nothing to hide here."), Is.EqualTo("Nothing to hide here."));
    }

    private sealed class ThrowingGuard : IInputGuard
    {
        public const string StageName = "Throwing";

        public string Name => StageName;

        public ValueTask<InputGuardResult> InspectAsync(SafetyRequest request, CancellationToken cancellationToken) => throw new InvalidDataException("broken guard");
    }

    private sealed class RewritingGuard : IInputGuard
    {
        public const string StageName = "Rewriting";

        public string Name => StageName;

        public ValueTask<InputGuardResult> InspectAsync(SafetyRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult(InputGuardResult.Rewrite(new SafetyVerdict(StageName, SafetyAction.Rewrite, "test.rewritten"), request.Messages));
    }
}
