using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AIChatFinishReason = Microsoft.Extensions.AI.ChatFinishReason;

namespace SafeOpenAI.Extensions.AI;

/// <summary>
/// Maps Microsoft.Extensions.AI's chat types to the neutral view the stages read and back.
/// Unchanged messages and contents are sent as the caller built them; only what a stage rewrote
/// is rebuilt.
/// </summary>
internal static class ExtensionsAIChatAdapter
{
    private static readonly ChatRole s_developer = new("developer");

    public static IReadOnlyList<AIChatMessage> Materialize(IEnumerable<AIChatMessage> messages, string parameterName) =>
        ChatMessageList.Materialize(messages, parameterName);

    public static SafetyMessage[] ToSafetyMessages(IReadOnlyList<AIChatMessage> messages) =>
        ChatMessageList.ToSafetyMessages(messages, ToSafetyMessage);

    private static SafetyMessage ToSafetyMessage(AIChatMessage message, int index)
    {
        var role = RoleOf(message.Role)
            ?? throw new ArgumentException($"Chat message [{index}] has an unsupported role '{message.Role}'; use system, developer, user, assistant or tool.");
        var parts = new List<MessagePart>(message.Contents.Count);
        List<ToolCallInfo>? toolCalls = null;
        string? toolCallId = null;
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case FunctionCallContent call:
                    (toolCalls ??= []).Add(new ToolCallInfo(call.CallId, call.Name, SerializeArguments(call.Arguments)));
                    break;
                case FunctionResultContent result:
                    // A tool result is text the model reads: the stages scan it like any other part.
                    toolCallId ??= result.CallId;
                    parts.Add(MessagePart.FromText(ResultText(result.Result)).WithRawRepresentation(result));
                    break;
                default:
                    parts.Add(ToMessagePart(content));
                    break;
            }
        }

        return new SafetyMessage(role, parts, toolCalls, toolCallId, message);
    }

    private static MessageRole? RoleOf(ChatRole role)
    {
        if (role == ChatRole.System)
        {
            return MessageRole.System;
        }

        if (role == ChatRole.User)
        {
            return MessageRole.User;
        }

        if (role == ChatRole.Assistant)
        {
            return MessageRole.Assistant;
        }

        if (role == ChatRole.Tool)
        {
            return MessageRole.Tool;
        }

        return role == s_developer ? MessageRole.Developer : null;
    }

    private static ChatRole ToChatRole(MessageRole role) => role switch
    {
        MessageRole.System => ChatRole.System,
        MessageRole.Developer => s_developer,
        MessageRole.User => ChatRole.User,
        MessageRole.Assistant => ChatRole.Assistant,
        MessageRole.Tool => ChatRole.Tool,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown message role."),
    };

    public static MessagePart ToMessagePart(AIContent content) => content switch
    {
        TextContent text => MessagePart.FromText(text.Text ?? string.Empty).WithRawRepresentation(text),
        UriContent uri when uri.HasTopLevelMediaType("image") => MessagePart.FromImage(uri.Uri).WithRawRepresentation(uri),
        DataContent data when data.HasTopLevelMediaType("image") => MessagePart.FromImage(BinaryData.FromBytes(data.Data), data.MediaType).WithRawRepresentation(data),
        _ => MessagePart.FromOther(content),
    };

    public static string SerializeArguments(IDictionary<string, object?>? arguments) =>
        arguments is null ? "{}" : JsonSerializer.Serialize(arguments, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>)));

    private static string ResultText(object? result) => result switch
    {
        null => string.Empty,
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } element => element.GetString() ?? string.Empty,
        _ => JsonSerializer.Serialize(result, AIJsonUtilities.DefaultOptions.GetTypeInfo(result.GetType())),
    };

    public static List<AIChatMessage> ToChatMessages(IReadOnlyList<SafetyMessage> messages)
    {
        var result = new List<AIChatMessage>(messages.Count);
        foreach (var message in messages)
        {
            result.Add(ToChatMessage(message));
        }

        return result;
    }

    private static AIChatMessage ToChatMessage(SafetyMessage message)
    {
        var original = message.RawRepresentation as AIChatMessage;
        if (!message.IsRewritten && original is not null)
        {
            return original;
        }

        var contents = new List<AIContent>(message.Parts.Count + message.ToolCalls.Count);
        foreach (var part in message.Parts)
        {
            contents.Add(ToContent(part));
        }

        var originalCalls = original?.Contents.OfType<FunctionCallContent>().ToArray() ?? [];
        foreach (var call in message.ToolCalls)
        {
            contents.Add(ToFunctionCall(call, originalCalls));
        }

        return new AIChatMessage(ToChatRole(message.Role), contents)
        {
            AuthorName = original?.AuthorName,
            MessageId = original?.MessageId,
            AdditionalProperties = original?.AdditionalProperties,
        };
    }

    private static FunctionCallContent ToFunctionCall(ToolCallInfo call, FunctionCallContent[] originals)
    {
        foreach (var original in originals)
        {
            if (original.CallId == call.Id && original.Name == call.FunctionName && SerializeArguments(original.Arguments) == call.Arguments)
            {
                return original;
            }
        }

        var arguments = string.IsNullOrWhiteSpace(call.Arguments)
            ? null
            : JsonSerializer.Deserialize(call.Arguments, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(Dictionary<string, object?>))) as Dictionary<string, object?>;
        return new FunctionCallContent(call.Id, call.FunctionName, arguments);
    }

    public static AIContent ToContent(MessagePart part)
    {
        switch (part.RawRepresentation)
        {
            case FunctionResultContent result:
                return part.Text == ResultText(result.Result)
                    ? result
                    : new FunctionResultContent(result.CallId, part.Text ?? string.Empty);
            case TextContent text when part.Kind == MessagePartKind.Text && text.Text == part.Text:
                return text;
            case AIContent raw when part.Kind != MessagePartKind.Text:
                return raw;
        }

        return part.Kind switch
        {
            MessagePartKind.Text => new TextContent(part.Text),
            MessagePartKind.Image when part.ImageUri is not null => new UriContent(part.ImageUri, "image/*"),
            MessagePartKind.Image => new DataContent(part.ImageBytes!.ToMemory(), part.ImageMediaType!),
            _ => throw new ArgumentException("A content part that is not text or an image must carry its Microsoft.Extensions.AI content.", nameof(part)),
        };
    }

    public static GenerationParameters ReadParameters(ChatOptions? options) =>
        options is null
            ? new GenerationParameters()
            : new GenerationParameters(options.MaxOutputTokens, options.Temperature, options.TopP, options.FrequencyPenalty, options.PresencePenalty);

    /// <summary>
    /// Reads the neutral <see cref="JsonResponseSchema"/> from a JSON response format with a schema;
    /// <see langword="null"/> for text, schemaless JSON or no format. The schema counts as strict
    /// unless the caller's <c>strictJsonSchema</c> additional property says otherwise, as the OpenAI
    /// provider of Microsoft.Extensions.AI sends it.
    /// </summary>
    public static JsonResponseSchema? ReadResponseSchema(ChatOptions? options)
    {
        if (options?.ResponseFormat is not ChatResponseFormatJson { Schema: { ValueKind: JsonValueKind.Object } schema } json)
        {
            return null;
        }

        var strict = options.AdditionalProperties?.TryGetValue("strictJsonSchema", out var value) != true || value is not false;
        return new JsonResponseSchema(string.IsNullOrWhiteSpace(json.SchemaName) ? "response" : json.SchemaName, schema.GetRawText(), strict);
    }

    /// <summary>
    /// The functions offered to the model (<see cref="ChatOptions.Tools"/>: each <see cref="AIFunctionDeclaration"/>
    /// with its name and JSON schema), for the tool-call guard. Other tools (hosted tools such as web search or
    /// code interpreter) are not function calls the application executes, so they are not listed.
    /// </summary>
    /// <exception cref="ArgumentException">A tool is null.</exception>
    public static IReadOnlyList<ToolDefinition> ReadTools(ChatOptions? options)
    {
        if (options?.Tools is not { Count: > 0 } tools)
        {
            return [];
        }

        var definitions = new List<ToolDefinition>(tools.Count);
        for (var i = 0; i < tools.Count; i++)
        {
            switch (tools[i])
            {
                case null:
                    throw new ArgumentException($"ChatOptions.Tools[{i}] is null.", nameof(options));
                case AIFunctionDeclaration function:
                    var schema = function.JsonSchema;
                    definitions.Add(new ToolDefinition(
                        function.Name,
                        schema.ValueKind == JsonValueKind.Object ? schema.GetRawText() : null));
                    break;
            }
        }

        return definitions;
    }

    /// <summary>
    /// The safety identifier the caller set itself, on the OpenAI <see cref="ChatCompletionOptions"/> its
    /// <see cref="ChatOptions.RawRepresentationFactory"/> returns, or <see langword="null"/>. Like the OpenAI
    /// door, the pipeline keeps a caller's identifier (verdict <c>identity.caller_supplied</c>) and never
    /// overwrites it. The factory is called once here and again when the inner client is called, so it must
    /// return a fresh object without side effects, as Microsoft.Extensions.AI expects of it.
    /// </summary>
    /// <param name="options">The caller's options, or <see langword="null"/>.</param>
    /// <param name="innerClient">The inner client the factory is given.</param>
    /// <returns>The caller's identifier, or <see langword="null"/> when it set none.</returns>
    /// <exception cref="NotSupportedException">The OpenAI options ask for more than one choice (<c>n</c> &gt; 1 through their JSON patch): every choice but the first would reach the caller unchecked in the provider's raw response.</exception>
    public static string? ReadCallerSafetyIdentifier(ChatOptions? options, IChatClient innerClient)
    {
        if (options?.RawRepresentationFactory?.Invoke(innerClient) is not ChatCompletionOptions openAI)
        {
            return null;
        }

        OpenAIChatAdapter.EnsureSingleChoice(openAI);
        return openAI.SafetyIdentifier is { Length: > 0 } identifier ? identifier : null;
    }

    /// <summary>
    /// Copies the caller's options (a shared options object never carries one user's safety
    /// identifier into another user's call) and applies the model, the hardened parameters and the
    /// safety identifier. The identifier reaches OpenAI (and Azure OpenAI) inner clients through
    /// <see cref="ChatOptions.RawRepresentationFactory"/>: the caller's factory runs first, and an
    /// OpenAI <see cref="ChatCompletionOptions"/> it returns gets the identifier and the hardened
    /// parameters too (the OpenAI provider prefers values already set on it).
    /// </summary>
    public static ChatOptions PrepareOptions(ChatOptions? callerOptions, SafetyRequest request)
    {
        var options = callerOptions?.Clone() ?? new ChatOptions();
        var parameters = request.Parameters;
        options.ModelId = request.Model;
        options.MaxOutputTokens = parameters.MaxOutputTokens;
        options.Temperature = parameters.Temperature;
        options.TopP = parameters.TopP;
        options.FrequencyPenalty = parameters.FrequencyPenalty;
        options.PresencePenalty = parameters.PresencePenalty;
        var callerFactory = callerOptions?.RawRepresentationFactory;
        var safetyIdentifier = request.SafetyIdentifier;
        options.RawRepresentationFactory = client =>
        {
            var raw = callerFactory is null ? new ChatCompletionOptions() : callerFactory(client);
            if (raw is ChatCompletionOptions openAI)
            {
                openAI.SafetyIdentifier = safetyIdentifier;
                openAI.MaxOutputTokenCount = parameters.MaxOutputTokens;
                openAI.Temperature = parameters.Temperature;
                openAI.TopP = parameters.TopP;
                openAI.FrequencyPenalty = parameters.FrequencyPenalty;
                openAI.PresencePenalty = parameters.PresencePenalty;
            }

            return raw;
        };
        return options;
    }

    public static SafetyResponse ToSafetyResponse(ChatResponse response)
    {
        var parts = new List<MessagePart>();
        var toolCalls = new List<ToolCallInfo>();
        foreach (var message in response.Messages)
        {
            foreach (var content in message.Contents)
            {
                if (content is FunctionCallContent call)
                {
                    toolCalls.Add(new ToolCallInfo(call.CallId, call.Name, SerializeArguments(call.Arguments)));
                }
                else
                {
                    parts.Add(ToMessagePart(content));
                }
            }
        }

        return new SafetyResponse(parts, ToTokenUsage(response.Usage), response.FinishReason?.Value, toolCalls, null, response);
    }

    public static TokenUsage? ToTokenUsage(UsageDetails? usage) =>
        usage is null
            ? null
            : new TokenUsage(
                (int)(usage.InputTokenCount ?? 0),
                (int)(usage.OutputTokenCount ?? 0),
                (int)(usage.CachedInputTokenCount ?? 0),
                (int)(usage.ReasoningTokenCount ?? 0));

    public static UsageDetails? ToUsageDetails(TokenUsage? usage) =>
        usage is null
            ? null
            : new UsageDetails
            {
                InputTokenCount = usage.InputTokens,
                OutputTokenCount = usage.OutputTokens,
                TotalTokenCount = usage.TotalTokens,
                CachedInputTokenCount = usage.CachedInputTokens,
                ReasoningTokenCount = usage.ReasoningTokens,
            };

    /// <summary>
    /// Returns the response to hand to the caller: the inner client's own when no validator rewrote
    /// it, a copy whose answer message carries the rewritten contents when one did, and a new
    /// response (finish reason stop) for an answer the model never gave, such as a curated article
    /// returned by an input guard.
    /// </summary>
    public static ChatResponse ToChatResponse(SafetyResponse response, string model)
    {
        if (response.RawRepresentation is not ChatResponse original)
        {
            return new ChatResponse(new AIChatMessage(ChatRole.Assistant, response.Parts.Select(ToContent).ToList()))
            {
                ResponseId = "safeopenai-" + Guid.NewGuid().ToString("N"),
                ModelId = model,
                CreatedAt = DateTimeOffset.UtcNow,
                FinishReason = AIChatFinishReason.Stop,
                Usage = ToUsageDetails(response.Usage),
            };
        }

        if (!response.IsRewritten)
        {
            return original;
        }

        // The rewritten parts replace the answer's contents; tool calls and the other messages stay as they were.
        var answerIndex = LastAssistantIndex(original.Messages);
        var messages = new List<AIChatMessage>(original.Messages.Count);
        for (var i = 0; i < original.Messages.Count; i++)
        {
            var message = original.Messages[i];
            if (i != answerIndex)
            {
                if (message.Contents.Any(c => c is not FunctionCallContent))
                {
                    // Parts of earlier messages are part of the rewritten list; keep only their tool calls.
                    var kept = message.Contents.OfType<FunctionCallContent>().Cast<AIContent>().ToList();
                    if (kept.Count > 0)
                    {
                        messages.Add(Copy(message, kept));
                    }

                    continue;
                }

                messages.Add(message);
                continue;
            }

            var contents = response.Parts.Select(ToContent).ToList();
            contents.AddRange(message.Contents.OfType<FunctionCallContent>());
            messages.Add(Copy(message, contents));
        }

        return new ChatResponse(messages)
        {
            ResponseId = original.ResponseId,
            ConversationId = original.ConversationId,
            ModelId = original.ModelId,
            CreatedAt = original.CreatedAt,
            FinishReason = original.FinishReason,
            Usage = original.Usage,

            // The provider's own response holds the text before the rewrite (an unredacted address,
            // a URL that was removed): it must not travel with the rewritten answer.
            RawRepresentation = null,
            AdditionalProperties = original.AdditionalProperties,
        };
    }

    private static int LastAssistantIndex(IList<AIChatMessage> messages)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role == ChatRole.Assistant)
            {
                return i;
            }
        }

        return messages.Count - 1;
    }

    private static AIChatMessage Copy(AIChatMessage message, IList<AIContent> contents) =>
        new(message.Role, contents)
        {
            AuthorName = message.AuthorName,
            MessageId = message.MessageId,
            CreatedAt = message.CreatedAt,

            // A copied message's contents changed; its provider representation still holds the old ones.
            RawRepresentation = null,
            AdditionalProperties = message.AdditionalProperties,
        };

    /// <summary>The answer of a blocked call under <see cref="SafetyBlockBehavior.ReturnRefusal"/>: the verdict's user message, finish reason content filter.</summary>
    public static ChatResponse CreateRefusal(SafetyPipelineResult result) =>
        new(new AIChatMessage(ChatRole.Assistant, result.DecisiveVerdict?.UserMessage ?? "This request was blocked."))
        {
            ResponseId = "safeopenai-" + result.AuditId,
            ModelId = result.Request.Model,
            CreatedAt = DateTimeOffset.UtcNow,
            FinishReason = AIChatFinishReason.ContentFilter,
            Usage = ToUsageDetails(result.Usage ?? TokenUsage.Zero),
        };
}
