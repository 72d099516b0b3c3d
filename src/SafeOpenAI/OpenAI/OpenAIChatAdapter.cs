using System.ClientModel.Primitives;
using System.Text;
using OpenAI;
using OpenAI.Chat;

namespace SafeOpenAI;

/// <summary>
/// Maps the OpenAI SDK's chat types to the neutral view the stages read and back. Unchanged
/// messages and parts are sent as the caller built them; only what a stage rewrote is rebuilt.
/// </summary>
internal static class OpenAIChatAdapter
{
    public static IReadOnlyList<ChatMessage> Materialize(IEnumerable<ChatMessage> messages, string parameterName) =>
        ChatMessageList.Materialize(messages, parameterName);

    public static SafetyMessage[] ToSafetyMessages(IReadOnlyList<ChatMessage> messages) =>
        ChatMessageList.ToSafetyMessages(messages, ToSafetyMessage);

    public static SafetyMessage ToSafetyMessage(ChatMessage message, int index)
    {
        var role = message switch
        {
            SystemChatMessage => MessageRole.System,
            DeveloperChatMessage => MessageRole.Developer,
            UserChatMessage => MessageRole.User,
            AssistantChatMessage => MessageRole.Assistant,
#pragma warning disable CS0618 // FunctionChatMessage is obsolete but still accepted by the SDK: its content is a tool result.
            ToolChatMessage or FunctionChatMessage => MessageRole.Tool,
#pragma warning restore CS0618
            _ => throw new ArgumentException(
                $"Chat message [{index}] has an unsupported type {message.GetType().FullName}; use the SDK's System, Developer, User, Assistant or Tool messages."),
        };

        var parts = new List<MessagePart>(message.Content.Count);
        foreach (var part in message.Content)
        {
            parts.Add(ToMessagePart(part));
        }

        IReadOnlyList<ToolCallInfo>? toolCalls = null;
        if (message is AssistantChatMessage assistant)
        {
            if (assistant.ToolCalls.Count > 0)
            {
                toolCalls = assistant.ToolCalls.Select(c => new ToolCallInfo(c.Id, c.FunctionName, c.FunctionArguments?.ToString() ?? string.Empty)).ToArray();
            }
        }

        var toolCallId = (message as ToolChatMessage)?.ToolCallId;
        return new SafetyMessage(role, parts, toolCalls, toolCallId, message);
    }

    public static MessagePart ToMessagePart(ChatMessageContentPart part) => part.Kind switch
    {
        ChatMessageContentPartKind.Text => MessagePart.FromText(part.Text).WithRawRepresentation(part),
        ChatMessageContentPartKind.Image when part.ImageUri is not null => MessagePart.FromImage(part.ImageUri).WithRawRepresentation(part),
        ChatMessageContentPartKind.Image when part.ImageBytes is not null => MessagePart.FromImage(part.ImageBytes, part.ImageBytesMediaType ?? "application/octet-stream").WithRawRepresentation(part),
        ChatMessageContentPartKind.Refusal => MessagePart.FromText(part.Refusal ?? string.Empty).WithRawRepresentation(part),
        _ => MessagePart.FromOther(part),
    };

    public static List<ChatMessage> ToChatMessages(IReadOnlyList<SafetyMessage> messages)
    {
        var result = new List<ChatMessage>(messages.Count);
        foreach (var message in messages)
        {
            result.Add(ToChatMessage(message));
        }

        return result;
    }

    private static ChatMessage ToChatMessage(SafetyMessage message)
    {
        if (!message.IsRewritten && message.RawRepresentation is ChatMessage original)
        {
            return original;
        }

        var parts = message.Parts.Select(ToContentPart).ToArray();
        switch (message.Role)
        {
            case MessageRole.System:
                return new SystemChatMessage(parts);
            case MessageRole.Developer:
                return new DeveloperChatMessage(parts);
            case MessageRole.User:
                return new UserChatMessage(parts) { ParticipantName = (message.RawRepresentation as UserChatMessage)?.ParticipantName };
            case MessageRole.Assistant:
                var assistant = message.ToolCalls.Count > 0
                    ? new AssistantChatMessage(message.ToolCalls.Select(c => ChatToolCall.CreateFunctionToolCall(c.Id, c.FunctionName, BinaryData.FromString(c.Arguments))))
                    : new AssistantChatMessage(parts.Where(p => p.Kind != ChatMessageContentPartKind.Refusal));
                if (message.ToolCalls.Count > 0)
                {
                    foreach (var part in parts)
                    {
                        assistant.Content.Add(part);
                    }
                }

                return assistant;
            case MessageRole.Tool:
                return new ToolChatMessage(message.ToolCallId ?? string.Empty, parts);
            default:
                throw new ArgumentOutOfRangeException(nameof(message), message.Role, "Unknown message role.");
        }
    }

    private static ChatMessageContentPart ToContentPart(MessagePart part)
    {
        if (part.RawRepresentation is ChatMessageContentPart raw && (part.Kind != MessagePartKind.Text || raw.Text == part.Text))
        {
            return raw;
        }

        return part.Kind switch
        {
            MessagePartKind.Text => ChatMessageContentPart.CreateTextPart(part.Text!),
            MessagePartKind.Image when part.ImageUri is not null => ChatMessageContentPart.CreateImagePart(part.ImageUri),
            MessagePartKind.Image => ChatMessageContentPart.CreateImagePart(part.ImageBytes!, part.ImageMediaType!),
            _ => throw new ArgumentException("A content part that is not text or an image must carry its SDK part.", nameof(part)),
        };
    }

    public static GenerationParameters ReadParameters(ChatCompletionOptions? options) =>
        options is null
            ? new GenerationParameters()
            : new GenerationParameters(options.MaxOutputTokenCount, options.Temperature, options.TopP, options.FrequencyPenalty, options.PresencePenalty);

    /// <summary>
    /// Copies the caller's options (so a shared options object never carries one user's safety
    /// identifier into another user's call) and applies the hardened parameters and identifier.
    /// </summary>
    public static ChatCompletionOptions PrepareOptions(ChatCompletionOptions? callerOptions, SafetyRequest request)
    {
        var options = callerOptions is null ? new ChatCompletionOptions() : Clone(callerOptions);
        var parameters = request.Parameters;
        options.MaxOutputTokenCount = parameters.MaxOutputTokens;
        options.Temperature = parameters.Temperature;
        options.TopP = parameters.TopP;
        options.FrequencyPenalty = parameters.FrequencyPenalty;
        options.PresencePenalty = parameters.PresencePenalty;
        options.SafetyIdentifier = request.SafetyIdentifier;
        return options;
    }

    /// <summary>
    /// Reads the neutral <see cref="JsonResponseSchema"/> from a <c>json_schema</c> response format
    /// (serialised with the SDK's own writer, so no internal SDK type is touched); <see langword="null"/>
    /// for text, <c>json_object</c> or no format.
    /// </summary>
    public static JsonResponseSchema? ReadResponseSchema(ChatCompletionOptions? options)
    {
        if (options?.ResponseFormat is not { } format)
        {
            return null;
        }

        var data = ModelReaderWriter.Write(format, ModelReaderWriterOptions.Json, OpenAIContext.Default);
        using var document = System.Text.Json.JsonDocument.Parse(data);
        var root = document.RootElement;
        if (root.ValueKind != System.Text.Json.JsonValueKind.Object
            || !root.TryGetProperty("type", out var type) || !type.ValueEquals("json_schema")
            || !root.TryGetProperty("json_schema", out var jsonSchema) || jsonSchema.ValueKind != System.Text.Json.JsonValueKind.Object
            || !jsonSchema.TryGetProperty("schema", out var schema) || schema.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            return null;
        }

        var name = jsonSchema.TryGetProperty("name", out var n) && n.ValueKind == System.Text.Json.JsonValueKind.String && !string.IsNullOrWhiteSpace(n.GetString())
            ? n.GetString()!
            : "response";
        var strict = jsonSchema.TryGetProperty("strict", out var s) && s.ValueKind == System.Text.Json.JsonValueKind.True;
        return new JsonResponseSchema(name, schema.GetRawText(), strict);
    }

    /// <summary>Reads the function tools the options offer, in their order; empty when none.</summary>
    /// <exception cref="ArgumentException">A tool is not a function tool, or has no function name.</exception>
    public static IReadOnlyList<ToolDefinition> ReadTools(ChatCompletionOptions? options)
    {
        if (options is null || options.Tools.Count == 0)
        {
            return [];
        }

        var tools = new ToolDefinition[options.Tools.Count];
        for (var i = 0; i < tools.Length; i++)
        {
            var tool = options.Tools[i] ?? throw new ArgumentException($"Chat tool [{i}] is null.", nameof(options));
            if (tool.Kind != ChatToolKind.Function || string.IsNullOrWhiteSpace(tool.FunctionName))
            {
                throw new ArgumentException($"Chat tool [{i}] is not a function tool with a name; only function tools are supported.", nameof(options));
            }

            var parameters = tool.FunctionParameters?.ToString();
            tools[i] = new ToolDefinition(tool.FunctionName, string.IsNullOrWhiteSpace(parameters) ? null : parameters);
        }

        return tools;
    }

    /// <summary>Returns a copy of <paramref name="options"/> (new options when null) whose response format is <paramref name="schema"/> as <c>json_schema</c>.</summary>
    public static ChatCompletionOptions WithResponseSchema(ChatCompletionOptions? options, JsonResponseSchema schema)
    {
        var copy = options is null ? new ChatCompletionOptions() : Clone(options);
        copy.ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat(schema.Name, BinaryData.FromString(schema.Schema), jsonSchemaIsStrict: schema.Strict);
        return copy;
    }

    /// <summary>
    /// Refuses options that ask for more than one choice (<c>n</c> &gt; 1, which the SDK has no typed
    /// property for but a caller can set through the options' JSON patch). The pipeline checks one
    /// answer per call; a second choice would reach the caller through the raw response unchecked.
    /// </summary>
    /// <exception cref="NotSupportedException">The options ask for more than one choice.</exception>
    public static void EnsureSingleChoice(ChatCompletionOptions? options)
    {
        if (options is null)
        {
            return;
        }

        using var json = System.Text.Json.JsonDocument.Parse(ModelReaderWriter.Write(options, ModelReaderWriterOptions.Json, OpenAIContext.Default));
        if (json.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
            && json.RootElement.TryGetProperty("n", out var n)
            && !(n.ValueKind == System.Text.Json.JsonValueKind.Null || (n.ValueKind == System.Text.Json.JsonValueKind.Number && n.TryGetInt32(out var count) && count == 1)))
        {
            throw new NotSupportedException(
                $"SafeChatClient returns one checked answer per call, but the chat completion options ask for n={n.GetRawText()} choices; " +
                "every choice but the first would reach the caller unchecked. Remove n (or set it to 1) and make one call per answer.");
        }
    }

    private static ChatCompletionOptions Clone(ChatCompletionOptions options)
    {
        // The SDK's own JSON model round trip copies every option, including ones added in later SDK versions.
        var model = (IJsonModel<ChatCompletionOptions>)options;
        var data = ModelReaderWriter.Write(options, ModelReaderWriterOptions.Json, OpenAIContext.Default);
        return model.Create(data, ModelReaderWriterOptions.Json)
            ?? throw new InvalidOperationException("The SDK could not copy the chat completion options.");
    }

    public static SafetyResponse ToSafetyResponse(ChatCompletion completion)
    {
        var parts = new List<MessagePart>(completion.Content.Count);
        foreach (var part in completion.Content)
        {
            parts.Add(ToMessagePart(part));
        }

        var toolCalls = completion.ToolCalls.Count == 0
            ? null
            : completion.ToolCalls.Select(c => new ToolCallInfo(c.Id, c.FunctionName, c.FunctionArguments?.ToString() ?? string.Empty)).ToArray();
        return new SafetyResponse(parts, ToTokenUsage(completion.Usage), FinishReasonName(completion.FinishReason), toolCalls, completion.Refusal, completion);
    }

    public static TokenUsage? ToTokenUsage(ChatTokenUsage? usage) =>
        usage is null
            ? null
            : new TokenUsage(
                usage.InputTokenCount,
                usage.OutputTokenCount,
                usage.InputTokenDetails?.CachedTokenCount ?? 0,
                usage.OutputTokenDetails?.ReasoningTokenCount ?? 0);

    public static string FinishReasonName(ChatFinishReason reason) => reason switch
    {
        ChatFinishReason.Stop => "stop",
        ChatFinishReason.Length => "length",
        ChatFinishReason.ContentFilter => "content_filter",
        ChatFinishReason.ToolCalls => "tool_calls",
        ChatFinishReason.FunctionCall => "function_call",
        _ => reason.ToString(),
    };

    /// <summary>
    /// Returns the completion to hand to the caller: the model's own when no validator rewrote it,
    /// a copy with the rewritten text when one did, and a new completion (finish reason stop, zero
    /// usage) for an answer the model never gave, such as a curated article returned by an input guard.
    /// </summary>
    public static ChatCompletion ToCompletion(SafetyResponse response)
    {
        if (response.RawRepresentation is not ChatCompletion original)
        {
            return FromAnswer(response);
        }

        if (!response.IsRewritten)
        {
            return original;
        }

        return OpenAIChatModelFactory.ChatCompletion(
            id: original.Id,
            finishReason: original.FinishReason,
            content: new ChatMessageContent(response.Parts.Select(ToContentPart).ToArray()),
            refusal: original.Refusal,
            toolCalls: original.ToolCalls,
            role: original.Role,
            createdAt: original.CreatedAt,
            model: original.Model,
            systemFingerprint: original.SystemFingerprint,
            usage: original.Usage);
    }

    /// <summary>
    /// The streamed form of an answer the model never gave (a curated article returned by an input
    /// guard): one update with the whole text, role assistant, finish reason stop and the usage.
    /// </summary>
    public static StreamingChatCompletionUpdate[] ToStreamingUpdates(SafetyResponse response)
    {
        var completion = FromAnswer(response);
        return
        [
            OpenAIChatModelFactory.StreamingChatCompletionUpdate(
                completionId: completion.Id,
                contentUpdate: completion.Content,
                role: ChatMessageRole.Assistant,
                finishReason: ChatFinishReason.Stop,
                createdAt: completion.CreatedAt,
                usage: completion.Usage),
        ];
    }

    private static ChatCompletion FromAnswer(SafetyResponse response)
    {
        var usage = response.Usage ?? TokenUsage.Zero;
        return OpenAIChatModelFactory.ChatCompletion(
            id: "safeopenai-" + Guid.NewGuid().ToString("N"),
            finishReason: ChatFinishReason.Stop,
            content: new ChatMessageContent(response.Parts.Where(p => p.Kind != MessagePartKind.Other || p.RawRepresentation is ChatMessageContentPart).Select(ToContentPart).ToArray()),
            refusal: response.Refusal,
            role: ChatMessageRole.Assistant,
            createdAt: DateTimeOffset.UtcNow,
            usage: OpenAIChatModelFactory.ChatTokenUsage(
                outputTokenCount: usage.OutputTokens,
                inputTokenCount: usage.InputTokens,
                totalTokenCount: usage.TotalTokens));
    }

    public static ChatCompletion CreateRefusal(SafetyPipelineResult result)
    {
        var verdict = result.DecisiveVerdict!;
        return OpenAIChatModelFactory.ChatCompletion(
            id: "safeopenai-" + result.AuditId,
            finishReason: ChatFinishReason.ContentFilter,
            content: new ChatMessageContent(verdict.UserMessage ?? "This request was blocked."),
            role: ChatMessageRole.Assistant,
            createdAt: DateTimeOffset.UtcNow,
            model: result.Request.Model,
            usage: OpenAIChatModelFactory.ChatTokenUsage(
                outputTokenCount: result.Usage?.OutputTokens ?? 0,
                inputTokenCount: result.Usage?.InputTokens ?? 0,
                totalTokenCount: result.Usage?.TotalTokens ?? 0));
    }

    public static string JoinText(IEnumerable<ChatMessageContentPart> parts)
    {
        var builder = new StringBuilder();
        foreach (var part in parts)
        {
            if (part.Kind == ChatMessageContentPartKind.Text)
            {
                builder.Append(part.Text);
            }
        }

        return builder.ToString();
    }
}
