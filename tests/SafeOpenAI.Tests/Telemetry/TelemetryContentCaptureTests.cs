using System.Text.Json;
using SafeOpenAI.Testing;
using SafeOpenAI.Tests.Integration;

namespace SafeOpenAI.Tests.Telemetry;

/// <summary>
/// Message content reaches a span only when the application opts in and
/// <c>OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT</c> is <c>true</c>. The variable is
/// process-wide, so these tests do not run beside others.
/// </summary>
[NonParallelizable]
public class TelemetryContentCaptureTests
{
    private const string Variable = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";
    private string? _saved;

    [SetUp]
    public void SaveVariable() => _saved = Environment.GetEnvironmentVariable(Variable);

    [TearDown]
    public void RestoreVariable() => Environment.SetEnvironmentVariable(Variable, _saved);

    [Test]
    public async Task Content_is_recorded_when_the_option_and_the_environment_both_opt_in()
    {
        Environment.SetEnvironmentVariable(Variable, "true");
        await using var host = await TelemetryHost.StartAsync(o => o.Telemetry.CaptureMessageContent = true);
        using var spans = new SpanCollector();

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("My favourite animal is the porcupine."));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        var call = spans.CallSpan;
        using var input = JsonDocument.Parse((string)call.GetTagItem("gen_ai.input.messages")!);
        var messages = input.RootElement.EnumerateArray().ToList();
        Assert.That(messages.Select(m => m.GetProperty("role").GetString()), Is.EqualTo(new[] { "system", "user" }));
        var userPart = messages[1].GetProperty("parts")[0];
        Assert.That(userPart.GetProperty("type").GetString(), Is.EqualTo("text"));
        Assert.That(userPart.GetProperty("content").GetString(), Is.EqualTo("My favourite animal is the porcupine."));

        using var output = JsonDocument.Parse((string)call.GetTagItem("gen_ai.output.messages")!);
        var answer = output.RootElement[0];
        Assert.That(answer.GetProperty("role").GetString(), Is.EqualTo("assistant"));
        Assert.That(answer.GetProperty("parts")[0].GetProperty("content").GetString(), Is.EqualTo(result.Completion!.Content[0].Text));
        Assert.That(answer.GetProperty("finish_reason").GetString(), Is.EqualTo("stop"));
        Assert.That(spans.StageSpans.SelectMany(s => s.TagObjects).Select(t => t.Key), Has.None.StartsWith("gen_ai."), "content only on the call span");
    }

    [TestCase("true", false)]
    [TestCase(null, true)]
    [TestCase("false", true)]
    [TestCase("1", true)]
    public async Task Content_is_never_recorded_unless_both_opt_in(string? environment, bool option)
    {
        Environment.SetEnvironmentVariable(Variable, environment);
        await using var host = await TelemetryHost.StartAsync(o => o.Telemetry.CaptureMessageContent = option);
        using var spans = new SpanCollector();

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("My favourite animal is the porcupine."));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(spans.CallSpan.GetTagItem("gen_ai.input.messages"), Is.Null);
        Assert.That(spans.CallSpan.GetTagItem("gen_ai.output.messages"), Is.Null);
        var values = spans.Spans.SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString() ?? string.Empty);
        Assert.That(values, Has.None.Contains("porcupine"));
    }

    [Test]
    public async Task An_input_that_was_blocked_is_not_recorded_even_when_opted_in()
    {
        Environment.SetEnvironmentVariable(Variable, "true");
        await using var host = await TelemetryHost.StartAsync(o => o.Telemetry.CaptureMessageContent = true);
        using var spans = new SpanCollector();

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("I will kill him tonight."));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(spans.CallSpan.GetTagItem("gen_ai.input.messages"), Is.Null, "a blocked input was never sent to the model");
        Assert.That(spans.CallSpan.GetTagItem("gen_ai.output.messages"), Is.Null);
    }

    [Test]
    public async Task A_withheld_answer_is_not_recorded_even_when_opted_in()
    {
        Environment.SetEnvironmentVariable(Variable, "true");
        await using var host = await TelemetryHost.StartAsync(o => o.Telemetry.CaptureMessageContent = true);
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Here is how to stab and kill someone."));
        using var spans = new SpanCollector();

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Tell me a story."));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That((string)spans.CallSpan.GetTagItem("gen_ai.input.messages")!, Does.Contain("Tell me a story."), "the input did go to the model");
        Assert.That(spans.CallSpan.GetTagItem("gen_ai.output.messages"), Is.Null, "a withheld answer never reaches telemetry");
    }
}
