using OpenAI.Chat;

namespace SafeOpenAI.Tests.OpenAI;

public class OpenAIChatAdapterTests
{
    [Test]
    public void Every_SDK_role_maps_to_the_neutral_view()
    {
        var messages = new ChatMessage[]
        {
            ChatMessage.CreateSystemMessage("s"),
            ChatMessage.CreateDeveloperMessage("d"),
            ChatMessage.CreateUserMessage(ChatMessageContentPart.CreateTextPart("u"), ChatMessageContentPart.CreateImagePart(new Uri("https://example.com/a.png"))),
            ChatMessage.CreateAssistantMessage([ChatToolCall.CreateFunctionToolCall("call-1", "lookup", BinaryData.FromString("{\"q\":1}"))]),
            ChatMessage.CreateToolMessage("call-1", "tool result"),
        };

        var view = OpenAIChatAdapter.ToSafetyMessages(messages);

        Assert.That(view.Select(m => m.Role), Is.EqualTo(new[] { MessageRole.System, MessageRole.Developer, MessageRole.User, MessageRole.Assistant, MessageRole.Tool }));
        Assert.That(view[2].Parts.Select(p => p.Kind), Is.EqualTo(new[] { MessagePartKind.Text, MessagePartKind.Image }));
        Assert.That(view[2].Parts[1].ImageUri, Is.EqualTo(new Uri("https://example.com/a.png")));
        Assert.That(view[3].ToolCalls.Single(), Is.EqualTo(new ToolCallInfo("call-1", "lookup", "{\"q\":1}")));
        Assert.That(view[4].ToolCallId, Is.EqualTo("call-1"));
        Assert.That(view[4].Text, Is.EqualTo("tool result"));
    }

    [Test]
    public void Unchanged_messages_are_sent_as_the_caller_built_them()
    {
        var messages = new ChatMessage[] { ChatMessage.CreateSystemMessage("s"), ChatMessage.CreateUserMessage("u") };

        var back = OpenAIChatAdapter.ToChatMessages(OpenAIChatAdapter.ToSafetyMessages(messages));

        Assert.That(back[0], Is.SameAs(messages[0]));
        Assert.That(back[1], Is.SameAs(messages[1]));
    }

    [Test]
    public void Rewritten_messages_are_rebuilt_with_the_new_text_and_the_untouched_parts()
    {
        var image = ChatMessageContentPart.CreateImagePart(new Uri("https://example.com/a.png"));
        var user = new UserChatMessage(ChatMessageContentPart.CreateTextPart("call me at 555-0100"), image) { ParticipantName = "alice" };
        var view = OpenAIChatAdapter.ToSafetyMessages([user]);
        var rewritten = view[0].WithParts([MessagePart.FromText("call me at <PHONE_NUMBER_1>"), view[0].Parts[1]]);

        var back = (UserChatMessage)OpenAIChatAdapter.ToChatMessages([rewritten])[0];

        Assert.That(back, Is.Not.SameAs(user));
        Assert.That(back.Content[0].Text, Is.EqualTo("call me at <PHONE_NUMBER_1>"));
        Assert.That(back.Content[1], Is.SameAs(image));
        Assert.That(back.ParticipantName, Is.EqualTo("alice"));
        Assert.That(user.Content[0].Text, Is.EqualTo("call me at 555-0100"), "the caller's message is never changed");
    }

    [Test]
    public void Empty_null_and_null_element_message_lists_are_refused_with_a_clear_error()
    {
        Assert.Throws<ArgumentNullException>(() => OpenAIChatAdapter.Materialize(null!, "messages"));
        var empty = Assert.Throws<ArgumentException>(() => OpenAIChatAdapter.Materialize([], "messages"));
        Assert.That(empty!.Message, Does.Contain("At least one chat message"));
        var nullElement = Assert.Throws<ArgumentException>(() => OpenAIChatAdapter.Materialize([ChatMessage.CreateUserMessage("a"), null!], "messages"));
        Assert.That(nullElement!.Message, Does.Contain("[1] is null"));
    }

    [Test]
    public void Hardened_parameters_go_on_a_copy_so_a_shared_options_object_never_carries_one_users_identifier_to_another()
    {
        var shared = new ChatCompletionOptions { Temperature = 1.9f, MaxOutputTokenCount = 50_000 };
        shared.StopSequences.Add("END");
        var request = new SafetyRequest([SafetyMessage.FromText(MessageRole.User, "u")], "gpt-4o")
        {
            SafetyIdentifier = "abc",
            Parameters = new GenerationParameters(1_000, 1.0f),
        };

        var sent = OpenAIChatAdapter.PrepareOptions(shared, request);

        Assert.That(sent, Is.Not.SameAs(shared));
        Assert.That(sent.Temperature, Is.EqualTo(1.0f));
        Assert.That(sent.MaxOutputTokenCount, Is.EqualTo(1_000));
        Assert.That(sent.SafetyIdentifier, Is.EqualTo("abc"));
        Assert.That(sent.StopSequences, Is.EqualTo(new[] { "END" }), "options the pipeline does not touch are copied");
        Assert.That(shared.Temperature, Is.EqualTo(1.9f));
        Assert.That(shared.SafetyIdentifier, Is.Null);
    }

    [Test]
    public void Usage_maps_cached_and_reasoning_tokens()
    {
        var usage = OpenAIChatModelFactory.ChatTokenUsage(
            outputTokenCount: 30,
            inputTokenCount: 100,
            totalTokenCount: 130,
            outputTokenDetails: OpenAIChatModelFactory.ChatOutputTokenUsageDetails(reasoningTokenCount: 12),
            inputTokenDetails: OpenAIChatModelFactory.ChatInputTokenUsageDetails(audioTokenCount: 0, cachedTokenCount: 40));

        Assert.That(OpenAIChatAdapter.ToTokenUsage(usage), Is.EqualTo(new TokenUsage(100, 30, 40, 12)));
    }

    [Test]
    public void An_answer_without_a_model_completion_becomes_a_completion_and_a_single_streamed_update()
    {
        var answer = new SafetyResponse([MessagePart.FromText("Open Settings and choose Reset password.")], TokenUsage.Zero, "stop");

        var completion = OpenAIChatAdapter.ToCompletion(answer);
        var updates = OpenAIChatAdapter.ToStreamingUpdates(answer);

        Assert.Multiple(() =>
        {
            Assert.That(completion.Content.Single().Text, Is.EqualTo("Open Settings and choose Reset password."));
            Assert.That(completion.Role, Is.EqualTo(global::OpenAI.Chat.ChatMessageRole.Assistant));
            Assert.That(completion.FinishReason, Is.EqualTo(global::OpenAI.Chat.ChatFinishReason.Stop));
            Assert.That(completion.Usage.TotalTokenCount, Is.Zero);
            Assert.That(completion.Id, Does.StartWith("safeopenai-"));
            Assert.That(updates.Single().ContentUpdate.Single().Text, Is.EqualTo("Open Settings and choose Reset password."));
            Assert.That(updates.Single().FinishReason, Is.EqualTo(global::OpenAI.Chat.ChatFinishReason.Stop));
        });
    }

    [Test]
    public void The_offered_function_tools_map_to_tool_definitions_in_order()
    {
        const string schema = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""";
        var options = new ChatCompletionOptions();
        options.Tools.Add(ChatTool.CreateFunctionTool("get_weather", "Forecast.", BinaryData.FromString(schema)));
        options.Tools.Add(ChatTool.CreateFunctionTool("now"));

        var tools = OpenAIChatAdapter.ReadTools(options);

        Assert.That(tools.Select(t => t.Name), Is.EqualTo(new[] { "get_weather", "now" }));
        Assert.That(tools[0].ParametersSchema, Is.EqualTo(schema));
        Assert.That(tools[1].ParametersSchema, Is.Null);
        Assert.That(OpenAIChatAdapter.ReadTools(null), Is.Empty);
        Assert.That(OpenAIChatAdapter.ReadTools(new ChatCompletionOptions()), Is.Empty);
    }
}
