using System.Text;
using System.Text.Json;

namespace SafeOpenAI.Testing;

/// <summary>One message of a chat completion request, as the endpoint understood it.</summary>
internal sealed record ChatMessageInfo(string Role, string Text, int ImageCount, int TextTokens);

/// <summary>A chat completion request, as the endpoint understood it.</summary>
internal sealed record ChatRequestInfo(
    string Model,
    IReadOnlyList<ChatMessageInfo> Messages,
    int? MaxCompletionTokens,
    bool Stream,
    bool IncludeUsage,
    string? SafetyIdentifier,
    JsonElement? ResponseSchema = null);

/// <summary>One moderation input (one result of the response).</summary>
internal sealed record ModerationInputInfo(string Text, bool HasText, int ImageCount);

/// <summary>A moderation request, as the endpoint understood it.</summary>
internal sealed record ModerationRequestInfo(string Model, IReadOnlyList<ModerationInputInfo> Inputs);

/// <summary>Parses request bodies; throws <see cref="FormatException"/> with a client-facing message on bad input.</summary>
internal static class RequestParsing
{
    public static ChatRequestInfo ParseChat(JsonElement? json)
    {
        if (json is not { ValueKind: JsonValueKind.Object } root)
        {
            throw new FormatException("The body must be a JSON object.");
        }

        var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : string.Empty;
        if (model.Length == 0)
        {
            throw new FormatException("you must provide a model parameter");
        }

        if (!root.TryGetProperty("messages", out var messagesElement) || messagesElement.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("Missing required parameter: 'messages'.");
        }

        var messages = new List<ChatMessageInfo>(messagesElement.GetArrayLength());
        foreach (var message in messagesElement.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object
                || !message.TryGetProperty("role", out var roleElement)
                || roleElement.ValueKind != JsonValueKind.String)
            {
                throw new FormatException("Every message needs a 'role'.");
            }

            var role = roleElement.GetString()!;
            var text = new StringBuilder();
            var images = 0;
            var tokens = 0;
            if (message.TryGetProperty("content", out var content))
            {
                switch (content.ValueKind)
                {
                    case JsonValueKind.String:
                        text.Append(content.GetString());
                        tokens += OfflineChatModel.EstimateTokens(content.GetString());
                        break;
                    case JsonValueKind.Array:
                        foreach (var part in content.EnumerateArray())
                        {
                            var type = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var t) ? t.GetString() : null;
                            switch (type)
                            {
                                case "text":
                                case "input_text":
                                    var partText = part.TryGetProperty("text", out var pt) && pt.ValueKind == JsonValueKind.String ? pt.GetString() : null;
                                    if (text.Length > 0)
                                    {
                                        text.Append('\n');
                                    }

                                    text.Append(partText);
                                    tokens += OfflineChatModel.EstimateTokens(partText);
                                    break;
                                case "image_url":
                                    if (!part.TryGetProperty("image_url", out var image) || image.ValueKind != JsonValueKind.Object
                                        || !image.TryGetProperty("url", out var url) || url.ValueKind != JsonValueKind.String)
                                    {
                                        throw new FormatException("An image_url part needs image_url.url.");
                                    }

                                    images++;
                                    break;
                                case "refusal":
                                    tokens += OfflineChatModel.EstimateTokens(part.TryGetProperty("refusal", out var r) ? r.GetString() : null);
                                    break;
                                case null:
                                    throw new FormatException("Every content part needs a 'type'.");
                                default:
                                    // input_audio, file...: accepted, not counted.
                                    break;
                            }
                        }

                        break;
                    case JsonValueKind.Null:
                        break;
                    default:
                        throw new FormatException("A message's content must be a string or an array of parts.");
                }
            }

            if (message.TryGetProperty("tool_calls", out var toolCalls) && toolCalls.ValueKind == JsonValueKind.Array)
            {
                foreach (var call in toolCalls.EnumerateArray())
                {
                    if (call.TryGetProperty("function", out var function) && function.TryGetProperty("arguments", out var arguments))
                    {
                        tokens += OfflineChatModel.EstimateTokens(arguments.GetString());
                    }
                }
            }

            messages.Add(new ChatMessageInfo(role, text.ToString(), images, tokens));
        }

        if (messages.Count == 0)
        {
            throw new FormatException("'messages' must contain at least one message.");
        }

        int? maxTokens = null;
        if (root.TryGetProperty("max_completion_tokens", out var max) && max.ValueKind == JsonValueKind.Number)
        {
            maxTokens = max.GetInt32();
        }
        else if (root.TryGetProperty("max_tokens", out var legacyMax) && legacyMax.ValueKind == JsonValueKind.Number)
        {
            maxTokens = legacyMax.GetInt32();
        }

        if (maxTokens < 1)
        {
            throw new FormatException("max_completion_tokens must be at least 1.");
        }

        var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var includeUsage = stream
            && root.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object
            && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True;
        var safetyIdentifier = root.TryGetProperty("safety_identifier", out var si) && si.ValueKind == JsonValueKind.String ? si.GetString() : null;
        JsonElement? responseSchema = null;
        if (root.TryGetProperty("response_format", out var format) && format.ValueKind == JsonValueKind.Object
            && format.TryGetProperty("type", out var formatType) && formatType.ValueEquals("json_schema")
            && format.TryGetProperty("json_schema", out var jsonSchema) && jsonSchema.ValueKind == JsonValueKind.Object
            && jsonSchema.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.Object)
        {
            responseSchema = schema.Clone();
        }

        return new ChatRequestInfo(model, messages, maxTokens, stream, includeUsage, safetyIdentifier, responseSchema);
    }

    public static ModerationRequestInfo ParseModeration(JsonElement? json)
    {
        if (json is not { ValueKind: JsonValueKind.Object } root)
        {
            throw new FormatException("The body must be a JSON object.");
        }

        var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "omni-moderation-latest";
        if (!root.TryGetProperty("input", out var input))
        {
            throw new FormatException("Missing required parameter: 'input'.");
        }

        var inputs = new List<ModerationInputInfo>();
        switch (input.ValueKind)
        {
            case JsonValueKind.String:
                inputs.Add(new ModerationInputInfo(input.GetString()!, true, 0));
                break;
            case JsonValueKind.Array when input.GetArrayLength() == 0:
                throw new FormatException("'input' must not be empty.");
            case JsonValueKind.Array when input[0].ValueKind == JsonValueKind.String:
                foreach (var item in input.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String)
                    {
                        throw new FormatException("'input' mixes strings and parts.");
                    }

                    inputs.Add(new ModerationInputInfo(item.GetString()!, true, 0));
                }

                break;
            case JsonValueKind.Array:
                var text = new StringBuilder();
                var hasText = false;
                var images = 0;
                foreach (var part in input.EnumerateArray())
                {
                    var type = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var t) ? t.GetString() : null;
                    if (type == "text" && part.TryGetProperty("text", out var pt) && pt.ValueKind == JsonValueKind.String)
                    {
                        if (hasText)
                        {
                            text.Append('\n');
                        }

                        text.Append(pt.GetString());
                        hasText = true;
                    }
                    else if (type == "image_url" && part.TryGetProperty("image_url", out var image)
                        && image.ValueKind == JsonValueKind.Object && image.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String)
                    {
                        images++;
                    }
                    else
                    {
                        throw new FormatException("Every input part must be {\"type\":\"text\",\"text\":...} or {\"type\":\"image_url\",\"image_url\":{\"url\":...}}.");
                    }
                }

                inputs.Add(new ModerationInputInfo(text.ToString(), hasText, images));
                break;
            default:
                throw new FormatException("'input' must be a string, an array of strings or an array of parts.");
        }

        return new ModerationRequestInfo(model, inputs);
    }
}
