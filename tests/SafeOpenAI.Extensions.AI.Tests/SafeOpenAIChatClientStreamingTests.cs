using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using SafeOpenAI.Testing;

namespace SafeOpenAI.Extensions.AI.Tests;

/// <summary>
/// Streaming through the IChatClient door: <c>GetStreamingResponseAsync</c> over the OpenAI SDK's
/// <c>AsIChatClient()</c>, checked in windows by the local endpoint's keyword moderation stand-in.
/// </summary>
public class SafeOpenAIChatClientStreamingTests
{
    private const string Violent =
        "The first part of the story is calm. The hero walks along the river. "
        + "Then the villain tries to stab the hero with a knife. The story goes on for a while. "
        + "It ends in a quiet village by the sea. Everyone goes home.";

    [Test]
    public async Task A_checked_stream_releases_the_model_updates_and_ends_with_the_trail()
    {
        await using var host = await ChatClientHost.StartAsync();
        using var identity = AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("streamer"));

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in host.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Say hello in a sentence.")]))
        {
            updates.Add(update);
        }

        var response = updates.ToChatResponse();
        Assert.That(updates.Count(u => u.Text.Length > 0), Is.GreaterThan(1), "the model's own chunks are replayed");
        Assert.That(response.Text, Does.Contain("Say hello in a sentence."));
        Assert.That(response.Usage?.OutputTokenCount, Is.GreaterThan(0), "usage passes through");
        Assert.That(response.AdditionalProperties![SafeOpenAIChatClient.StatusKey], Is.EqualTo("Completed"));
        Assert.That(response.AdditionalProperties[SafeOpenAIChatClient.AuditIdKey], Is.EqualTo(host.Audit.Records.Single().AuditId));
        Assert.That(SafeOpenAIChatClient.GetSafetyResult(updates[^1])!.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(host.Audit.Records.Single().Usage!.OutputTokens, Is.GreaterThan(0), "the streamed usage is settled");
        using var sent = JsonDocument.Parse(host.Endpoint.ChatRequests.Single().Body);
        Assert.That(sent.RootElement.GetProperty("safety_identifier").GetString(), Is.EqualTo(ChatClientHost.SafetyIdentifierOf("streamer")));
    }

    [Test]
    public async Task A_flagged_stream_yields_no_text_at_all()
    {
        await using var host = await ChatClientHost.StartAsync();
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Fine. Step one: stab. Step two: kill. Step three: hide the body."));

        var text = new StringBuilder();
        var thrown = Assert.ThrowsAsync<SafetyViolationException>(async () =>
        {
            await foreach (var update in host.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Tell me a story.")]))
            {
                text.Append(update.Text);
            }
        });

        Assert.That(text.ToString(), Is.Empty, "nothing of a failing answer may reach the caller");
        Assert.That(thrown!.Verdict.Code, Is.EqualTo("moderation.flagged:violence"));
        Assert.That(host.Audit.Records.Single().Outcome, Is.EqualTo(AuditOutcome.Blocked));
    }

    [Test]
    public async Task HoldBack_releases_only_the_windows_that_passed()
    {
        var flaggedAt = Violent.IndexOf("stab", StringComparison.Ordinal);
        await using var host = await ChatClientHost.StartAsync(o => o.Streaming.WindowCharacters = 30);
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Streamed(Pieces(Violent, 7)));

        var text = new StringBuilder();
        var thrown = Assert.ThrowsAsync<SafetyViolationException>(async () =>
        {
            await foreach (var update in host.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Tell me a story.")]))
            {
                text.Append(update.Text);
            }
        });

        Assert.That(thrown!.Verdict.Code, Is.EqualTo("moderation.flagged:violence"));
        Assert.That(text.ToString(), Is.Not.Empty, "the calm windows were released");
        Assert.That(Violent.StartsWith(text.ToString(), StringComparison.Ordinal), Is.True);
        Assert.That(text.Length, Is.LessThanOrEqualTo(flaggedAt), "nothing of the flagged window reached the caller");
    }

    [Test]
    public async Task A_blocked_stream_ends_with_a_content_filter_update_when_configured_to_refuse()
    {
        await using var host = await ChatClientHost.StartAsync(o => o.OnBlock = SafetyBlockBehavior.ReturnRefusal);
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Fine. Step one: stab. Step two: kill."));

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in host.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Tell me a story.")]))
        {
            updates.Add(update);
        }

        Assert.That(updates[^1].FinishReason, Is.EqualTo(ChatFinishReason.ContentFilter));
        Assert.That(string.Concat(updates.Select(u => u.Text)), Does.Not.Contain("stab"));
        Assert.That(updates[^1].AdditionalProperties![SafeOpenAIChatClient.DecisiveCodeKey], Is.EqualTo("moderation.flagged:violence"));
    }

    [Test]
    public async Task A_streamed_answer_reaches_the_caller_with_the_placeholders_restored()
    {
        await using var host = await ChatClientHost.StartAsync(build: b => b.AddPiiRedaction());

        var text = new StringBuilder();
        await foreach (var update in host.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Email bob.smith@example.org about the launch.")]))
        {
            text.Append(update.Text);
        }

        Assert.That(host.Endpoint.ChatRequests.Single().Body, Does.Not.Contain("bob.smith@example.org").And.Contain("<EMAIL_ADDRESS_1>"));
        Assert.That(text.ToString(), Does.Contain("bob.smith@example.org").And.Not.Contain("<EMAIL_ADDRESS_1>"));
    }

    [Test]
    public async Task A_streamed_tool_call_reaches_the_caller_whole()
    {
        await using var host = await ChatClientHost.StartAsync();
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(string.Empty).WithToolCall("call_1", "get_weather", """{"city":"Paris"}"""));

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in host.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "What is the weather in Paris?")], new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => "sunny", "get_weather")] }))
        {
            updates.Add(update);
        }

        var call = updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().Single();
        Assert.That((call.CallId, call.Name, call.Arguments!["city"]?.ToString()), Is.EqualTo(("call_1", "get_weather", "Paris")));
        Assert.That(updates.ToChatResponse().AdditionalProperties![SafeOpenAIChatClient.StatusKey], Is.EqualTo("Completed"));
    }

    [Test]
    public async Task Leaving_a_stream_early_settles_and_audits_the_call()
    {
        await using var host = await ChatClientHost.StartAsync(o => o.Streaming.WindowCharacters = 30);
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Streamed(Pieces(string.Concat(Enumerable.Repeat("The village is quiet and the sea is calm. ", 40)), 7)));

        await foreach (var update in host.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Tell me a story.")]))
        {
            if (update.Text.Length > 0)
            {
                break;
            }
        }

        Assert.That(host.Audit.Records, Has.Count.EqualTo(1), "the run finished and wrote its audit before the enumeration was disposed");
    }

    private static string[] Pieces(string text, int length) =>
        Enumerable.Range(0, (text.Length + length - 1) / length).Select(i => text.Substring(i * length, Math.Min(length, text.Length - (i * length)))).ToArray();
}
