using System.ClientModel;
using System.Diagnostics;
using OpenAI.Chat;
using SafeOpenAI.Testing;
using SafeOpenAI.Tests.Integration;

namespace SafeOpenAI.Tests.Telemetry;

/// <summary>The spans of one call, through DI and the real SDK to the local endpoint.</summary>
public class TelemetrySpanTests
{
    [Test]
    public async Task A_completed_call_is_one_client_span_with_a_child_per_stage()
    {
        await using var host = await TelemetryHost.StartAsync();
        using var spans = new SpanCollector();

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("What is a haiku?"));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        var call = spans.CallSpan;
        Assert.Multiple(() =>
        {
            Assert.That(call.DisplayName, Is.EqualTo("chat gpt-4o-mini"));
            Assert.That(call.ParentSpanId, Is.EqualTo(spans.Root.SpanId), "the call nests under the caller's span");
            Assert.That(call.GetTagItem("gen_ai.operation.name"), Is.EqualTo("chat"));
            Assert.That(call.GetTagItem("gen_ai.provider.name"), Is.EqualTo("openai"));
            Assert.That(call.GetTagItem("gen_ai.system"), Is.EqualTo("openai"));
            Assert.That(call.GetTagItem("gen_ai.request.model"), Is.EqualTo("gpt-4o-mini"));
            Assert.That(call.GetTagItem("gen_ai.response.model"), Is.EqualTo(result.Completion!.Model));
            Assert.That(call.GetTagItem("gen_ai.response.id"), Is.EqualTo(result.Completion.Id));
            Assert.That(call.GetTagItem("gen_ai.usage.input_tokens"), Is.EqualTo(result.Usage!.InputTokens));
            Assert.That(call.GetTagItem("gen_ai.usage.output_tokens"), Is.EqualTo(result.Usage.OutputTokens));
            Assert.That(call.GetTagItem("gen_ai.response.finish_reasons"), Is.EqualTo(new[] { "stop" }));
            Assert.That(call.GetTagItem("safeopenai.status"), Is.EqualTo("completed"));
            Assert.That(call.GetTagItem("safeopenai.audit_id"), Is.EqualTo(result.AuditId));
            Assert.That(call.GetTagItem("safeopenai.cost_usd"), Is.EqualTo((double)result.CostUsd!.Value));
            Assert.That((string[])call.GetTagItem("safeopenai.verdict.codes")!, Does.Contain("Model:model.completed"));
            Assert.That(call.GetTagItem("error.type"), Is.Null);
            Assert.That(call.Status, Is.EqualTo(ActivityStatusCode.Unset));
        });

        var stages = spans.StageSpans;
        Assert.That(stages.Select(s => (s.DisplayName, s.GetTagItem("safeopenai.phase"))), Is.EqualTo(new (string, object?)[]
        {
            ("UserAccess", "access"),
            ("Budget", "budget"),
            ("InputLength", "input"),
            ("OpenAIModeration", "input_moderation"),
            ("Model", "model"),
            ("OpenAIModeration", "output_moderation"),
            ("Budget", "settle"),
        }));
        Assert.That(stages.Select(s => s.ParentSpanId), Has.All.EqualTo(call.SpanId), "every stage is a child of the call");
        var inputModeration = stages[3];
        Assert.That(inputModeration.GetTagItem("safeopenai.verdict.code"), Is.EqualTo("allowed"));
        Assert.That(inputModeration.GetTagItem("safeopenai.verdict.action"), Is.EqualTo("allow"));
        Assert.That(stages[4].GetTagItem("safeopenai.verdict.code"), Is.EqualTo("model.completed"));
    }

    [Test]
    public async Task The_SDK_HTTP_calls_nest_under_the_stage_that_made_them()
    {
        await using var host = await TelemetryHost.StartAsync();
        using var spans = new SpanCollector();

        await host.Client.CompleteAsync(IntegrationHost.Ask("What is a haiku?"));

        var stages = spans.StageSpans;
        var model = stages.Single(s => s.DisplayName == "Model");
        var moderation = stages.Where(s => s.DisplayName == "OpenAIModeration").Select(s => s.SpanId).ToArray();
        var http = spans.HttpSpans;
        Assert.That(http, Has.Count.EqualTo(3), "one moderation request before the model, the model request, one moderation request after");
        Assert.That(http.Count(h => h.ParentSpanId == model.SpanId), Is.EqualTo(1), "the chat request is a child of the Model stage");
        Assert.That(http.Count(h => moderation.Contains(h.ParentSpanId)), Is.EqualTo(2), "each moderation request is a child of its moderation stage");
    }

    [Test]
    public async Task No_span_carries_message_content_or_the_safety_identifier_by_default()
    {
        await using var host = await TelemetryHost.StartAsync();
        using var spans = new SpanCollector();

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("My secret word is porcupine."));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        var ours = spans.Spans.Where(s => s.Source.Name == SafeOpenAITelemetry.SourceName).ToList();
        Assert.That(ours, Is.Not.Empty);
        var values = ours.SelectMany(s => s.TagObjects).SelectMany(t => t.Value is string[] many ? many : [t.Value?.ToString() ?? string.Empty]).ToList();
        Assert.That(values, Has.None.Contains("porcupine"), "neither the prompt nor the echoed answer");
        Assert.That(values, Has.None.Contains(IntegrationHost.SafetyIdentifierOf("user-1")));
        Assert.That(values, Has.None.Contains("user-1"));
        Assert.That(ours.SelectMany(s => s.TagObjects).Select(t => t.Key), Has.None.StartsWith("gen_ai.input").And.None.StartsWith("gen_ai.output"));
        Assert.That(ours.SelectMany(s => s.Events), Is.Empty);
    }

    [Test]
    public async Task A_blocked_call_ends_with_the_decisive_verdict_and_never_has_a_model_span()
    {
        await using var host = await TelemetryHost.StartAsync();
        using var spans = new SpanCollector();

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("I will kill him tonight."));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        var call = spans.CallSpan;
        Assert.Multiple(() =>
        {
            Assert.That(call.GetTagItem("safeopenai.status"), Is.EqualTo("blocked"));
            Assert.That(call.GetTagItem("safeopenai.decisive.code"), Is.EqualTo("moderation.flagged:violence"));
            Assert.That(call.GetTagItem("safeopenai.decisive.stage"), Is.EqualTo("OpenAIModeration"));
            Assert.That(call.GetTagItem("gen_ai.usage.input_tokens"), Is.Null, "the model was not reached");
            Assert.That(call.GetTagItem("error.type"), Is.Null, "a block is an outcome, not an error");
            Assert.That(call.Status, Is.EqualTo(ActivityStatusCode.Unset));
        });
        var stages = spans.StageSpans;
        Assert.That(stages.Select(s => s.DisplayName), Is.EqualTo(new[] { "UserAccess", "Budget", "InputLength", "OpenAIModeration", "Budget" }));
        var moderation = stages[3];
        Assert.That(moderation.GetTagItem("safeopenai.verdict.code"), Is.EqualTo("moderation.flagged:violence"));
        Assert.That(moderation.GetTagItem("safeopenai.verdict.action"), Is.EqualTo("block"));
    }

    [Test]
    public async Task A_streamed_call_has_the_same_shape_with_the_stream_under_the_Model_stage()
    {
        await using var host = await TelemetryHost.StartAsync();
        using var identity = AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("streamer"));
        using var spans = new SpanCollector();

        var text = new System.Text.StringBuilder();
        await foreach (var update in host.Client.CompleteChatStreamingAsync(ChatMessage.CreateUserMessage("Say hello in a sentence. Then say goodbye in another one.")))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        Assert.That(text.ToString(), Does.Contain("Say hello"));
        var call = spans.CallSpan;
        Assert.That(call.GetTagItem("safeopenai.status"), Is.EqualTo("completed"));
        Assert.That(call.GetTagItem("gen_ai.usage.output_tokens"), Is.GreaterThan(0));
        var stages = spans.StageSpans;
        Assert.That(stages.Select(s => s.ParentSpanId), Has.All.EqualTo(call.SpanId));
        var model = stages.Single(s => s.DisplayName == "Model");
        Assert.That(model.GetTagItem("safeopenai.phase"), Is.EqualTo("model"));
        Assert.That(model.GetTagItem("safeopenai.verdict.code"), Is.EqualTo("model.completed"));
        Assert.That(stages.Where(s => (string?)s.GetTagItem("safeopenai.phase") == "output_moderation"), Is.Not.Empty, "the windows were moderated");
        Assert.That(spans.HttpSpans.Count(h => h.ParentSpanId == model.SpanId), Is.EqualTo(1), "the streamed chat request is a child of the Model stage");
    }

    [Test]
    public async Task Moderation_that_runs_beside_the_model_is_a_sibling_of_the_Model_stage()
    {
        await using var host = await TelemetryHost.StartAsync(o => o.Moderation.RunInputConcurrently = true);
        using var spans = new SpanCollector();

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("What is a haiku?"));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        var call = spans.CallSpan;
        var stages = spans.StageSpans;
        var model = stages.Single(s => s.DisplayName == "Model");
        var inputModeration = stages.Single(s => (string?)s.GetTagItem("safeopenai.phase") == "input_moderation");
        Assert.That(model.ParentSpanId, Is.EqualTo(call.SpanId));
        Assert.That(inputModeration.ParentSpanId, Is.EqualTo(call.SpanId));
        Assert.That(inputModeration.StartTimeUtc, Is.LessThan(model.StartTimeUtc + model.Duration), "they overlap");
        Assert.That(spans.HttpSpans.Count(h => h.ParentSpanId == model.SpanId), Is.EqualTo(1));
        Assert.That(spans.HttpSpans.Count(h => h.ParentSpanId == inputModeration.SpanId), Is.EqualTo(1));
    }

    [Test]
    public async Task A_failed_call_ends_its_span_and_the_unfinished_stage_with_the_error_type()
    {
        await using var host = await TelemetryHost.StartAsync(o => o.Moderation.Enabled = false);
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Error(500));
        using var spans = new SpanCollector();

        Assert.ThrowsAsync<ClientResultException>(() => host.Client.CompleteAsync(IntegrationHost.Ask("Hello")));

        var call = spans.CallSpan;
        Assert.That(call.GetTagItem("safeopenai.status"), Is.EqualTo("failed"));
        Assert.That(call.GetTagItem("error.type"), Is.EqualTo(typeof(ClientResultException).FullName));
        Assert.That(call.Status, Is.EqualTo(ActivityStatusCode.Error));
        var model = spans.StageSpans.Single(s => s.DisplayName == "Model");
        Assert.That(model.GetTagItem("error.type"), Is.EqualTo(typeof(ClientResultException).FullName));
        Assert.That(model.Status, Is.EqualTo(ActivityStatusCode.Error));
        Assert.That(spans.StageSpans[^1].DisplayName, Is.EqualTo("Budget"), "the settle stage still runs and is traced");
        Assert.That(Activity.Current, Is.SameAs(spans.Root), "no stage span is left current after the failure");
    }
}
