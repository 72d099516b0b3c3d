using System.Text;
using OpenAI.Chat;
using SafeOpenAI.Testing;
using SafeOpenAI.Tests.Integration;

namespace SafeOpenAI.Tests.Streaming;

/// <summary>Windowed streaming through the real SDK against the local endpoint, with its keyword moderation stand-in.</summary>
public sealed class StreamingIntegrationTests
{
    private const string Violent =
        "The first part of the story is calm. The hero walks along the river. "
        + "Then the villain tries to stab the hero with a knife. The story goes on for a while. "
        + "It ends in a quiet village by the sea. Everyone goes home.";

    [Test]
    public async Task HoldBack_yields_the_windows_before_the_flagged_one_and_nothing_of_it()
    {
        var flaggedAt = Violent.IndexOf("stab", StringComparison.Ordinal);
        var random = new Random(42);
        await using var host = await IntegrationHost.StartAsync(o => o.Streaming.WindowCharacters = 30);
        for (var trial = 0; trial < 10; trial++)
        {
            host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Streamed([.. TokenLikePieces.Split(Violent, random)]));
            var text = new StringBuilder();

            var thrown = Assert.ThrowsAsync<SafetyViolationException>(async () =>
            {
                await foreach (var update in host.Client.CompleteChatStreamingAsync([ChatMessage.CreateUserMessage("Tell me a story.")]))
                {
                    text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
                }
            });

            Assert.That(thrown!.Verdict.Code, Is.EqualTo("moderation.flagged:violence"), $"trial {trial}");
            Assert.That(text.ToString(), Is.Not.Empty, $"trial {trial}: the calm windows were released");
            Assert.That(Violent.StartsWith(text.ToString(), StringComparison.Ordinal), Is.True, $"trial {trial}");
            Assert.That(text.Length, Is.LessThanOrEqualTo(flaggedAt), $"trial {trial}: nothing of the flagged window reached the caller");
        }
    }

    [Test]
    public async Task CutOff_passes_text_on_at_once_and_ends_with_a_content_filter_finish_when_a_window_fails()
    {
        var answer = Violent + string.Concat(Enumerable.Repeat(" The village is quiet and the sea is calm.", 30));
        await using var host = await IntegrationHost.StartAsync(
            o =>
            {
                o.Streaming.Mode = StreamingMode.CutOff;
                o.Streaming.WindowCharacters = 30;
                o.OnBlock = SafetyBlockBehavior.ReturnRefusal;
            },
            endpointOptions: new LocalOpenAIEndpointOptions { StreamChunkDelay = TimeSpan.FromMilliseconds(15), StreamChunkCharacters = 8 });
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(answer));

        var updates = new List<StreamingChatCompletionUpdate>();
        var moderationCallsAtFirstText = -1;
        await foreach (var update in host.Client.CompleteChatStreamingAsync([ChatMessage.CreateUserMessage("Tell me a story.")]))
        {
            if (moderationCallsAtFirstText < 0 && update.ContentUpdate.Count > 0 && update.ContentUpdate[0].Text.Length > 0)
            {
                moderationCallsAtFirstText = host.Endpoint.ModerationRequests.Count;
            }

            updates.Add(update);
        }

        var text = string.Concat(updates.SelectMany(u => u.ContentUpdate).Select(p => p.Text));
        Assert.That(moderationCallsAtFirstText, Is.EqualTo(1), "only the input was moderated when the first text arrived");
        Assert.That(text, Does.Contain("stab"), "CutOff shows the failing window: that is its documented exposure");
        Assert.That(text, Has.Length.LessThan(answer.Length / 2), "the stream stopped soon after the failing window");
        Assert.That(updates[^1].FinishReason, Is.EqualTo(ChatFinishReason.ContentFilter));
        var record = host.Audit.Records.Single();
        Assert.That(record.DecisiveCode, Is.EqualTo("moderation.flagged:violence"));
        Assert.That(record.Usage!.OutputTokens, Is.GreaterThan(0), "the text received before the stop is settled");
    }

    [Test]
    public async Task Tool_call_deltas_and_usage_pass_through_intact_after_the_arguments_are_checked()
    {
        await using var host = await IntegrationHost.StartAsync(o => o.Streaming.WindowCharacters = 20);
        const string arguments = "{\"city\":\"Paris\",\"unit\":\"celsius\",\"days\":3}";
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Streamed("Let me ", "check the ", "weather. ", "One moment ", "please.").WithToolCall("call_7", "get_weather", arguments));

        var updates = new List<StreamingChatCompletionUpdate>();
        await foreach (var update in host.Client.CompleteChatStreamingAsync([ChatMessage.CreateUserMessage("Weather in Paris?")]))
        {
            updates.Add(update);
        }

        var calls = updates.SelectMany(u => u.ToolCallUpdates).ToList();
        Assert.That(calls.Select(c => c.ToolCallId).Where(id => id is not null), Is.EqualTo(new[] { "call_7" }));
        Assert.That(calls.Select(c => c.FunctionName).Where(n => n is not null), Is.EqualTo(new[] { "get_weather" }));
        Assert.That(string.Concat(calls.Select(c => c.FunctionArgumentsUpdate?.ToString())), Is.EqualTo(arguments));
        Assert.That(string.Concat(updates.SelectMany(u => u.ContentUpdate).Select(p => p.Text)), Is.EqualTo("Let me check the weather. One moment please."));
        Assert.That(updates.Select(u => u.FinishReason).Where(f => f is not null), Is.EqualTo(new ChatFinishReason?[] { ChatFinishReason.ToolCalls }));
        Assert.That(updates.Count(u => u.Usage is not null), Is.EqualTo(1));
        var moderated = host.Endpoint.ModerationRequests.Select(r => r.Body).ToList();
        Assert.That(moderated.Any(b => b.Contains("celsius", StringComparison.Ordinal)), Is.True, "the tool-call arguments were moderated");
    }

    [Test]
    public async Task A_flagged_tool_call_is_never_released_while_the_text_before_it_was()
    {
        await using var host = await IntegrationHost.StartAsync(o => o.Streaming.WindowCharacters = 20);
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Streamed("I will handle ", "that request ", "right now. ", "Here goes.").WithToolCall("call_9", "run", "{\"action\":\"kill the process tree\"}"));

        var updates = new List<StreamingChatCompletionUpdate>();
        var thrown = Assert.ThrowsAsync<SafetyViolationException>(async () =>
        {
            await foreach (var update in host.Client.CompleteChatStreamingAsync([ChatMessage.CreateUserMessage("Stop it.")]))
            {
                updates.Add(update);
            }
        });

        Assert.That(thrown!.Verdict.Code, Is.EqualTo("moderation.flagged:violence"));
        Assert.That(updates.SelectMany(u => u.ToolCallUpdates), Is.Empty, "no tool-call delta of a flagged call reached the caller");
        Assert.That(string.Concat(updates.SelectMany(u => u.ContentUpdate).Select(p => p.Text)), Does.StartWith("I will handle that request right now."));
    }

    [Test]
    public async Task Leaving_the_stream_early_cancels_the_call_and_still_settles_and_audits_it()
    {
        var budget = new FakeBudgetTracker();
        await using var host = await IntegrationHost.StartAsync(
            o => o.Streaming.WindowCharacters = 20,
            b => b.UseBudgetTracker(_ => budget),
            new LocalOpenAIEndpointOptions { StreamChunkDelay = TimeSpan.FromMilliseconds(10), StreamChunkCharacters = 8 });
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(string.Concat(Enumerable.Repeat("A calm sentence about the sea. ", 40))));

        await foreach (var update in host.Client.CompleteChatStreamingAsync([ChatMessage.CreateUserMessage("Tell me about the sea.")]))
        {
            if (update.ContentUpdate.Count > 0 && update.ContentUpdate[0].Text.Length > 0)
            {
                break;
            }
        }

        var record = host.Audit.Records.Single();
        Assert.That(record.Outcome, Is.EqualTo(AuditOutcome.Cancelled));
        Assert.That(budget.Outstanding, Is.Empty, "the reservation was released");
    }
}

/// <summary>The full-control streaming call: a <see cref="SafeChatRequest"/> with sources, and the outcome in <see cref="SafeChatStreamingResult.Result"/>.</summary>
public sealed class FullControlStreamingTests
{
    private static readonly SourceDocument[] s_sources =
    [
        new("kb-1", "The Eiffel Tower in Paris was completed in 1889 and is 330 metres tall."),
        new("kb-2", "The Louvre in Paris is the most visited museum in the world."),
    ];

    [Test]
    public async Task A_grounded_streamed_answer_completes_and_reports_its_verdicts()
    {
        await using var host = await IntegrationHost.StartAsync(o => o.Streaming.WindowCharacters = 20, b => b.AddGroundednessCheck());
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Streamed("The Eiffel Tower ", "was completed in 1889. ", "It is 330 metres ", "tall."));
        var request = new SafeChatRequest([ChatMessage.CreateUserMessage("Tell me about the Eiffel Tower.")]) { Sources = s_sources, Identity = new SafetyIdentity("user-1") };

        var stream = host.Client.CompleteStreamingAsync(request);
        var text = new StringBuilder();
        await foreach (var update in stream)
        {
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
        }

        Assert.That(text.ToString(), Is.EqualTo("The Eiffel Tower was completed in 1889. It is 330 metres tall."));
        Assert.That(stream.Result!.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(stream.Result.Verdicts.Count(v => v.Code == GroundednessValidator.SupportedCode), Is.GreaterThanOrEqualTo(2), "each window was checked against the sources");
        Assert.That(stream.Result.AuditId, Is.EqualTo(host.Audit.Records.Single().AuditId));
        Assert.That(stream.Result.SafetyIdentifier, Is.EqualTo(IntegrationHost.SafetyIdentifierOf("user-1")));
    }

    [Test]
    public async Task An_unsupported_window_ends_the_stream_without_throwing_and_the_result_says_why()
    {
        await using var host = await IntegrationHost.StartAsync(o => o.Streaming.WindowCharacters = 20, b => b.AddGroundednessCheck());
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Streamed("The Eiffel Tower ", "was completed in 1889. ", "It was designed by ", "Leonardo da Vinci in 1503."));
        var request = new SafeChatRequest([ChatMessage.CreateUserMessage("Tell me about the Eiffel Tower.")]) { Sources = s_sources };

        var stream = host.Client.CompleteStreamingAsync(request);
        var text = new StringBuilder();
        await foreach (var update in stream)
        {
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
        }

        Assert.That(text.ToString(), Is.EqualTo("The Eiffel Tower was completed in 1889. "), "the supported window was released, the unsupported one never");
        Assert.That(stream.Result!.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(stream.Result.DecisiveVerdict!.Code, Is.EqualTo(GroundednessValidator.UnsupportedCode));
        Assert.That(stream.Result.Completion, Is.Null);
    }
}
