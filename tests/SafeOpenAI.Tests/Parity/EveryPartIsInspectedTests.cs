using OpenAI.Chat;
using SafeOpenAI.Testing;
using SafeOpenAI.Tests.Integration;

namespace SafeOpenAI.Tests.Parity;

/// <summary>
/// Every part is inspected: every user-authored text part and turn, tool results, tool-call
/// arguments in the answer, images (sent to moderation), and every choice (a request for several
/// choices is refused, and the model's raw response never carries an answer other than the one
/// checked and returned). OpenAI Guardrails checks the latest user message's text only.
/// </summary>
public class EveryPartIsInspectedTests
{
    private const string Secret = "ghp_1234567890abcdefghijklmnopqrstuvwxyz";

    [Test]
    public async Task A_term_in_the_second_text_part_of_the_last_user_message_is_found()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddKeywordFilter(o => o.Keywords.Add("project falcon")));
        var user = ChatMessage.CreateUserMessage(ChatMessageContentPart.CreateTextPart("Hello there."), ChatMessageContentPart.CreateTextPart("Tell me about Project Falcon."));

        var result = await host.Client.CompleteAsync(new SafeChatRequest([user]) { Identity = new SafetyIdentity("user-1") });

        Assert.That((result.Status, result.DecisiveVerdict!.Code), Is.EqualTo((SafeChatStatus.Blocked, "keyword.blocked")));
        Assert.That(host.Endpoint.ChatRequests, Is.Empty);
    }

    [Test]
    public async Task A_url_in_an_earlier_user_turn_is_found()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddUrlFilter());
        ChatMessage[] conversation =
        [
            ChatMessage.CreateUserMessage("Remember https://admin:hunter2@intranet.example.com/ for later."),
            ChatMessage.CreateAssistantMessage("Noted."),
            ChatMessage.CreateUserMessage("Thanks. What is the weather like?"),
        ];

        var result = await host.Client.CompleteAsync(new SafeChatRequest(conversation) { Identity = new SafetyIdentity("user-1") });

        Assert.That((result.Status, result.DecisiveVerdict!.Code), Is.EqualTo((SafeChatStatus.Blocked, "url.credentials")));
        Assert.That(host.Endpoint.ChatRequests, Is.Empty);
    }

    [Test]
    public async Task A_secret_in_a_tool_result_is_found()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddSecretsGuard(o => o.DefaultAction = SecretAction.Block));

        var result = await host.Client.CompleteAsync(new SafeChatRequest(ToolConversation("The token is " + Secret + ".")) { Identity = new SafetyIdentity("user-1") });

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Does.StartWith("secret."));
        Assert.That(host.Endpoint.ChatRequests, Is.Empty);
    }

    [Test]
    public async Task A_term_in_a_tool_result_is_found_when_the_filter_includes_tool_messages()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddKeywordFilter(o =>
        {
            o.Keywords.Add("project falcon");
            o.IncludeToolMessages = true;
        }));

        var result = await host.Client.CompleteAsync(new SafeChatRequest(ToolConversation("Project Falcon ships in May.")) { Identity = new SafetyIdentity("user-1") });

        Assert.That((result.Status, result.DecisiveVerdict!.Code), Is.EqualTo((SafeChatStatus.Blocked, "keyword.blocked")));
    }

    [Test]
    public async Task A_term_in_the_tool_call_arguments_of_the_answer_is_found()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddKeywordFilter(o =>
        {
            o.Keywords.Add("project falcon");
            o.Direction = FilterDirection.Output;
        }));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Sending it now.").WithToolCall("call_9", "send_email", """{"to":"team@example.com","body":"Project Falcon ships in May."}"""));

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Email the team the release date."));

        var verdict = result.DecisiveVerdict!;
        Assert.That((result.Status, verdict.Code, verdict.Phase), Is.EqualTo((SafeChatStatus.Blocked, "keyword.blocked", SafetyPhase.Output)));
        Assert.That(verdict.Evidence["location"], Is.EqualTo("tool_call"));
    }

    [Test]
    public async Task An_image_part_goes_to_moderation()
    {
        await using var host = await IntegrationHost.StartAsync();
        var user = ChatMessage.CreateUserMessage(
            ChatMessageContentPart.CreateTextPart("What is in this picture?"),
            ChatMessageContentPart.CreateImagePart(new Uri("https://images.example.com/cat.png")));

        await host.Client.CompleteAsync(new SafeChatRequest([user]) { Identity = new SafetyIdentity("user-1") });

        var moderation = host.Endpoint.ModerationRequests[0].Body;
        Assert.That(moderation, Does.Contain("image_url").And.Contain("https://images.example.com/cat.png"));
    }

    [Test]
    public async Task An_image_that_moderation_flags_blocks_the_call_before_the_model()
    {
        await using var host = await IntegrationHost.StartAsync();
        host.Endpoint.Moderation.Handler = request => request.Body.Contains("image_url", StringComparison.Ordinal)
            ? ScriptedModerationResponse.Flagged("violence/graphic")
            : ScriptedModerationResponse.Clean();
        var user = ChatMessage.CreateUserMessage(
            ChatMessageContentPart.CreateTextPart("Describe this."),
            ChatMessageContentPart.CreateImagePart(new Uri("https://images.example.com/scene.png")));

        var result = await host.Client.CompleteAsync(new SafeChatRequest([user]) { Identity = new SafetyIdentity("user-1") });

        Assert.That((result.Status, result.DecisiveVerdict!.Code), Is.EqualTo((SafeChatStatus.Blocked, "moderation.flagged:violence/graphic")));
        Assert.That(host.Endpoint.ChatRequests, Is.Empty);
    }

    [Test]
    public async Task A_request_for_more_than_one_choice_is_refused_before_anything_is_sent()
    {
        await using var host = await IntegrationHost.StartAsync();
        var options = new ChatCompletionOptions();
#pragma warning disable SCME0001 // JSON patch of the request body is experimental; it is the one way a caller can ask for n.
        options.Patch.Set("$.n"u8, 2);
#pragma warning restore SCME0001

        var refused = Assert.ThrowsAsync<NotSupportedException>(() => host.Client.CompleteChatAsync([ChatMessage.CreateUserMessage("Two answers, please.")], options));
        var refusedStream = Assert.ThrowsAsync<NotSupportedException>(async () =>
        {
            await foreach (var _ in host.Client.CompleteChatStreamingAsync([ChatMessage.CreateUserMessage("Two answers, please.")], options))
            {
            }
        });

        Assert.That(refused!.Message, Does.Contain("n=2"));
        Assert.That(refusedStream!.Message, Does.Contain("n=2"));
        Assert.That(host.Endpoint.Requests, Is.Empty);
    }

    [Test]
    public async Task The_raw_response_of_a_rewritten_answer_does_not_carry_the_text_before_rewriting()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddUrlFilter(o =>
        {
            o.Direction = FilterDirection.Output;
            o.AllowedHosts.Add("docs.example.com");
        }));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("See https://elsewhere.example.net/b for details."));

        var result = await host.Client.CompleteChatAsync([ChatMessage.CreateUserMessage("Where are the details?")]);

        Assert.Multiple(() =>
        {
            Assert.That(result.Value.Content[0].Text, Does.Contain("[link removed]"));
            Assert.That(result.GetRawResponse().Content.ToString(), Does.Not.Contain("elsewhere.example.net"));
        });
    }

    [Test]
    public async Task The_raw_response_of_a_refused_answer_does_not_carry_the_blocked_answer()
    {
        await using var host = await IntegrationHost.StartAsync(o => o.OnBlock = SafetyBlockBehavior.ReturnRefusal);
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Step one: stab. Step two: kill. Step three: hide the body."));

        var result = await host.Client.CompleteChatAsync([ChatMessage.CreateUserMessage("Tell me a story.")]);

        Assert.Multiple(() =>
        {
            Assert.That(result.Value.FinishReason, Is.EqualTo(ChatFinishReason.ContentFilter));
            Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(1));
            Assert.That(result.GetRawResponse().Content.ToString(), Does.Not.Contain("stab"));
        });
    }

    [Test]
    public async Task The_raw_response_of_an_unchanged_answer_is_the_models_own()
    {
        await using var host = await IntegrationHost.StartAsync();
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Paris is the capital of France."));

        var result = await host.Client.CompleteChatAsync([ChatMessage.CreateUserMessage("Capital of France?")]);

        Assert.That(result.GetRawResponse().Content.ToString(), Does.Contain("Paris is the capital of France."));
    }

    private static ChatMessage[] ToolConversation(string toolResult) =>
    [
        ChatMessage.CreateUserMessage("Look up the release notes."),
        ChatMessage.CreateAssistantMessage([ChatToolCall.CreateFunctionToolCall("call_1", "lookup", BinaryData.FromString("""{"q":"release notes"}"""))]),
        ChatMessage.CreateToolMessage("call_1", toolResult),
    ];
}
