using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace SafeOpenAI.Testing;

/// <summary>Answers one request of <see cref="LocalOpenAIEndpoint"/> in OpenAI's wire format.</summary>
internal sealed class RequestHandler
{
    private static readonly TimeSpan s_neverEndingInterval = TimeSpan.FromMilliseconds(50);
    private static readonly byte[] s_dataPrefix = "data: "u8.ToArray();
    private static readonly byte[] s_eventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] s_done = "data: [DONE]\n\n"u8.ToArray();

    private readonly HttpContext _context;
    private readonly RecordedRequest _request;
    private readonly LocalOpenAIEndpointOptions _options;
    private TimeSpan? _chunkDelay;
    private readonly CancellationToken _cancellationToken;
    private readonly string _requestId;

    public RequestHandler(HttpContext context, RecordedRequest request, LocalOpenAIEndpointOptions options, CancellationToken cancellationToken)
    {
        _context = context;
        _request = request;
        _options = options;
        _cancellationToken = cancellationToken;
        _requestId = "req_local" + request.Sequence.ToString("x8", CultureInfo.InvariantCulture);
        context.Response.Headers["x-request-id"] = _requestId;
    }

    private HttpResponse Response => _context.Response;

    public async Task HandleChatAsync(ScriptedChatResponse? scripted)
    {
        ChatRequestInfo chat;
        try
        {
            chat = RequestParsing.ParseChat(_request.Json);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            await WriteErrorAsync(400, ex.Message, null).ConfigureAwait(false);
            return;
        }

        scripted ??= ScriptedChatResponse.Offline();
        if (scripted.Delay > TimeSpan.Zero)
        {
            await Task.Delay(scripted.Delay, _cancellationToken).ConfigureAwait(false);
        }

        switch (scripted.Kind)
        {
            case ScriptedChatKind.Error:
                await WriteErrorAsync(scripted.StatusCode, scripted.ErrorMessage, scripted.RetryAfter).ConfigureAwait(false);
                return;
            case ScriptedChatKind.Raw:
                await WriteRawAsync(scripted.StatusCode, scripted.RawBody!, scripted.ContentType!).ConfigureAwait(false);
                return;
            case ScriptedChatKind.NeverEnding:
                await WriteNeverEndingAsync(chat).ConfigureAwait(false);
                return;
            default:
                break;
        }

        var content = scripted.Content ?? OfflineChatModel.Answer(chat);
        var completionTokens = OfflineChatModel.EstimateTokens(content);
        var finishReason = "stop";
        if (chat.MaxCompletionTokens is { } max && completionTokens > max)
        {
            var cut = Math.Min(content.Length, max * 4);
            if (cut > 0 && char.IsHighSurrogate(content[cut - 1]))
            {
                cut--;
            }

            content = content[..cut];
            completionTokens = max;
            finishReason = "length";
        }

        var answer = new ChatAnswer(
            "chatcmpl-local" + _request.Sequence.ToString("x8", CultureInfo.InvariantCulture),
            scripted.Model ?? chat.Model,
            DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            content,
            scripted.FinishReason ?? (scripted.ToolCalls.Count > 0 && finishReason == "stop" ? "tool_calls" : finishReason),
            scripted.PromptTokens ?? OfflineChatModel.EstimatePromptTokens(chat),
            scripted.CompletionTokens ?? completionTokens,
            scripted.CachedTokens,
            scripted.ReasoningTokens)
        {
            Pieces = finishReason == "length" ? null : scripted.Pieces,
            ToolCalls = scripted.ToolCalls,
        };

        _chunkDelay = scripted.ChunkDelay;
        if (scripted.Kind == ScriptedChatKind.BrokenStream)
        {
            await WriteBrokenAsync(chat, answer, scripted.AfterChunks).ConfigureAwait(false);
        }
        else if (chat.Stream)
        {
            await WriteStreamAsync(chat, answer).ConfigureAwait(false);
        }
        else
        {
            await WriteJsonAsync(200, writer => WriteCompletion(writer, answer)).ConfigureAwait(false);
        }
    }

    public async Task HandleModerationAsync(ScriptedModerationResponse? scripted)
    {
        ModerationRequestInfo moderation;
        try
        {
            moderation = RequestParsing.ParseModeration(_request.Json);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            await WriteErrorAsync(400, ex.Message, null).ConfigureAwait(false);
            return;
        }

        scripted ??= ScriptedModerationResponse.Offline();
        if (scripted.Delay > TimeSpan.Zero)
        {
            await Task.Delay(scripted.Delay, _cancellationToken).ConfigureAwait(false);
        }

        switch (scripted.Kind)
        {
            case ScriptedModerationKind.Error:
                await WriteErrorAsync(scripted.StatusCode, scripted.ErrorMessage, scripted.RetryAfter).ConfigureAwait(false);
                return;
            case ScriptedModerationKind.Raw:
                await WriteRawAsync(scripted.StatusCode, scripted.RawBody!, scripted.ContentType!).ConfigureAwait(false);
                return;
            default:
                break;
        }

        var offline = scripted.Kind == ScriptedModerationKind.Offline;
        await WriteJsonAsync(200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("id", "modr-local" + _request.Sequence.ToString("x8", CultureInfo.InvariantCulture));
            writer.WriteString("model", offline ? OfflineModerationStandIn.ModelName : moderation.Model);
            writer.WriteStartArray("results");
            foreach (var input in moderation.Inputs)
            {
                IReadOnlySet<string> flagged;
                Func<string, double> score;
                if (offline)
                {
                    flagged = OfflineModerationStandIn.FindCategories(input.Text);
                    score = c => flagged.Contains(c) ? OfflineModerationStandIn.FlaggedScore : OfflineModerationStandIn.BaselineScore;
                }
                else
                {
                    flagged = scripted.FlaggedCategories;
                    score = c => scripted.Scores.TryGetValue(c, out var s) ? s : OfflineModerationStandIn.BaselineScore;
                }

                WriteModerationResult(writer, input, flagged, score);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    public async Task WriteErrorAsync(int statusCode, string? message, TimeSpan? retryAfter)
    {
        var (type, code) = statusCode switch
        {
            401 => ("invalid_request_error", "invalid_api_key"),
            404 => ("invalid_request_error", "unknown_url"),
            429 => ("requests", "rate_limit_exceeded"),
            >= 500 => ("server_error", (string?)null),
            _ => ("invalid_request_error", (string?)null),
        };
        message ??= statusCode switch
        {
            429 => "Rate limit reached (scripted by the local OpenAI endpoint).",
            >= 500 => $"The server had an error while processing your request (scripted {statusCode} from the local OpenAI endpoint).",
            _ => $"Scripted {statusCode} from the local OpenAI endpoint.",
        };
        if (retryAfter is { } wait)
        {
            Response.Headers["retry-after"] = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            Response.Headers["retry-after-ms"] = Math.Ceiling(wait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        }

        await WriteJsonAsync(statusCode, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("message", message);
            writer.WriteString("type", type);
            writer.WriteNull("param");
            if (code is null)
            {
                writer.WriteNull("code");
            }
            else
            {
                writer.WriteString("code", code);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static void WriteModerationResult(Utf8JsonWriter writer, ModerationInputInfo input, IReadOnlySet<string> flagged, Func<string, double> score)
    {
        writer.WriteStartObject();
        writer.WriteBoolean("flagged", flagged.Count > 0);
        writer.WriteStartObject("categories");
        foreach (var category in ModerationCategories.All)
        {
            writer.WriteBoolean(category, flagged.Contains(category));
        }

        writer.WriteEndObject();
        writer.WriteStartObject("category_scores");
        foreach (var category in ModerationCategories.All)
        {
            writer.WriteNumber(category, score(category));
        }

        writer.WriteEndObject();
        writer.WriteStartObject("category_applied_input_types");
        foreach (var category in ModerationCategories.All)
        {
            writer.WriteStartArray(category);
            if (input.HasText)
            {
                writer.WriteStringValue("text");
            }

            if (input.ImageCount > 0 && ModerationCategories.ImageCapable.Contains(category, StringComparer.Ordinal))
            {
                writer.WriteStringValue("image");
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteCompletion(Utf8JsonWriter writer, ChatAnswer answer)
    {
        writer.WriteStartObject();
        writer.WriteString("id", answer.Id);
        writer.WriteString("object", "chat.completion");
        writer.WriteNumber("created", answer.Created);
        writer.WriteString("model", answer.Model);
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
        writer.WriteStartObject("message");
        writer.WriteString("role", "assistant");
        writer.WriteString("content", answer.Content);
        writer.WriteNull("refusal");
        writer.WriteStartArray("annotations");
        writer.WriteEndArray();
        if (answer.ToolCalls.Count > 0)
        {
            writer.WriteStartArray("tool_calls");
            foreach (var call in answer.ToolCalls)
            {
                writer.WriteStartObject();
                writer.WriteString("id", call.Id);
                writer.WriteString("type", "function");
                writer.WriteStartObject("function");
                writer.WriteString("name", call.Name);
                writer.WriteString("arguments", call.Arguments);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteNull("logprobs");
        writer.WriteString("finish_reason", answer.FinishReason);
        writer.WriteEndObject();
        writer.WriteEndArray();
        WriteUsage(writer, answer);
        writer.WriteString("service_tier", "default");
        writer.WriteString("system_fingerprint", "fp_local");
        writer.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter writer, ChatAnswer answer)
    {
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", answer.PromptTokens);
        writer.WriteNumber("completion_tokens", answer.CompletionTokens);
        writer.WriteNumber("total_tokens", answer.PromptTokens + answer.CompletionTokens);
        writer.WriteStartObject("prompt_tokens_details");
        writer.WriteNumber("cached_tokens", answer.CachedTokens);
        writer.WriteNumber("audio_tokens", 0);
        writer.WriteEndObject();
        writer.WriteStartObject("completion_tokens_details");
        writer.WriteNumber("reasoning_tokens", answer.ReasoningTokens);
        writer.WriteNumber("audio_tokens", 0);
        writer.WriteNumber("accepted_prediction_tokens", 0);
        writer.WriteNumber("rejected_prediction_tokens", 0);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Opens a <c>chat.completion.chunk</c> object with the fields every chunk of one answer shares.</summary>
    private static void WriteChunkHeader(Utf8JsonWriter writer, ChatAnswer answer)
    {
        writer.WriteStartObject();
        writer.WriteString("id", answer.Id);
        writer.WriteString("object", "chat.completion.chunk");
        writer.WriteNumber("created", answer.Created);
        writer.WriteString("model", answer.Model);
        writer.WriteString("service_tier", "default");
        writer.WriteString("system_fingerprint", "fp_local");
    }

    private static void WriteChunk(Utf8JsonWriter writer, ChatAnswer answer, bool includeUsage, string? role, string? content, string? finishReason, bool usageChunk)
    {
        WriteChunkHeader(writer, answer);
        writer.WriteStartArray("choices");
        if (!usageChunk)
        {
            writer.WriteStartObject();
            writer.WriteNumber("index", 0);
            writer.WriteStartObject("delta");
            if (role is not null)
            {
                writer.WriteString("role", role);
                writer.WriteNull("refusal");
            }

            if (content is not null)
            {
                writer.WriteString("content", content);
            }

            writer.WriteEndObject();
            writer.WriteNull("logprobs");
            if (finishReason is null)
            {
                writer.WriteNull("finish_reason");
            }
            else
            {
                writer.WriteString("finish_reason", finishReason);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (usageChunk)
        {
            WriteUsage(writer, answer);
        }
        else if (includeUsage)
        {
            writer.WriteNull("usage");
        }

        writer.WriteEndObject();
    }

    private static void WriteToolCallChunk(Utf8JsonWriter writer, ChatAnswer answer, bool includeUsage, int index, ScriptedToolCall call, string arguments, bool first)
    {
        WriteChunkHeader(writer, answer);
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
        writer.WriteStartObject("delta");
        writer.WriteStartArray("tool_calls");
        writer.WriteStartObject();
        writer.WriteNumber("index", index);
        if (first)
        {
            writer.WriteString("id", call.Id);
            writer.WriteString("type", "function");
        }

        writer.WriteStartObject("function");
        if (first)
        {
            writer.WriteString("name", call.Name);
        }

        writer.WriteString("arguments", arguments);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteNull("logprobs");
        writer.WriteNull("finish_reason");
        writer.WriteEndObject();
        writer.WriteEndArray();
        if (includeUsage)
        {
            writer.WriteNull("usage");
        }

        writer.WriteEndObject();
    }

    private List<string> SplitContent(string content)
    {
        var pieces = new List<string>();
        var size = _options.StreamChunkCharacters;
        var index = 0;
        while (index < content.Length)
        {
            var length = Math.Min(size, content.Length - index);
            if (index + length < content.Length && char.IsHighSurrogate(content[index + length - 1]))
            {
                length = length > 1 ? length - 1 : length + 1;
            }

            pieces.Add(content.Substring(index, length));
            index += length;
        }

        return pieces;
    }

    private async Task WriteStreamAsync(ChatRequestInfo chat, ChatAnswer answer)
    {
        await StartEventStreamAsync().ConfigureAwait(false);
        await WriteEventAsync(w => WriteChunk(w, answer, chat.IncludeUsage, "assistant", string.Empty, null, false)).ConfigureAwait(false);
        foreach (var piece in answer.Pieces ?? SplitContent(answer.Content))
        {
            await PauseBetweenChunksAsync().ConfigureAwait(false);
            await WriteEventAsync(w => WriteChunk(w, answer, chat.IncludeUsage, null, piece, null, false)).ConfigureAwait(false);
        }

        for (var index = 0; index < answer.ToolCalls.Count; index++)
        {
            var call = answer.ToolCalls[index];
            var callIndex = index;
            await PauseBetweenChunksAsync().ConfigureAwait(false);
            await WriteEventAsync(w => WriteToolCallChunk(w, answer, chat.IncludeUsage, callIndex, call, string.Empty, first: true)).ConfigureAwait(false);
            foreach (var piece in SplitContent(call.Arguments))
            {
                await PauseBetweenChunksAsync().ConfigureAwait(false);
                await WriteEventAsync(w => WriteToolCallChunk(w, answer, chat.IncludeUsage, callIndex, call, piece, first: false)).ConfigureAwait(false);
            }
        }

        await WriteEventAsync(w => WriteChunk(w, answer, chat.IncludeUsage, null, null, answer.FinishReason, false)).ConfigureAwait(false);
        if (chat.IncludeUsage)
        {
            await WriteEventAsync(w => WriteChunk(w, answer, true, null, null, null, true)).ConfigureAwait(false);
        }

        await Response.Body.WriteAsync(s_done, _cancellationToken).ConfigureAwait(false);
        await Response.Body.FlushAsync(_cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteBrokenAsync(ChatRequestInfo chat, ChatAnswer answer, int afterChunks)
    {
        // The response announces more bytes than it sends and then ends: Kestrel closes the
        // connection after sending what was written, so the client reads every complete event and
        // then fails with "response ended prematurely". (Aborting the connection instead could
        // discard the events still buffered on their way out.)
        if (chat.Stream)
        {
            Response.ContentLength = 1 << 20;
            await StartEventStreamAsync().ConfigureAwait(false);
            var pieces = SplitContent(answer.Content);
            for (var i = 0; i < afterChunks; i++)
            {
                var piece = i == 0 ? null : (i - 1 < pieces.Count ? pieces[i - 1] : "…");
                if (i > 0)
                {
                    await PauseBetweenChunksAsync().ConfigureAwait(false);
                }

                await WriteEventAsync(w => WriteChunk(w, answer, chat.IncludeUsage, i == 0 ? "assistant" : null, i == 0 ? string.Empty : piece, null, false)).ConfigureAwait(false);
            }

            // Half an event, then the connection drops.
            await Response.Body.WriteAsync("data: {\"id\":\""u8.ToArray(), _cancellationToken).ConfigureAwait(false);
            await Response.Body.FlushAsync(_cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                WriteCompletion(writer, answer);
            }

            Response.StatusCode = 200;
            Response.ContentType = "application/json";
            Response.ContentLength = buffer.WrittenCount;
            await Response.Body.WriteAsync(buffer.WrittenMemory[..(buffer.WrittenCount / 2)], _cancellationToken).ConfigureAwait(false);
            await Response.Body.FlushAsync(_cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WriteNeverEndingAsync(ChatRequestInfo chat)
    {
        if (!chat.Stream)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _cancellationToken).ConfigureAwait(false);
            return;
        }

        var answer = new ChatAnswer("chatcmpl-local" + _request.Sequence.ToString("x8", CultureInfo.InvariantCulture), chat.Model, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), string.Empty, "stop", 0, 0, 0, 0);
        await StartEventStreamAsync().ConfigureAwait(false);
        await WriteEventAsync(w => WriteChunk(w, answer, chat.IncludeUsage, "assistant", string.Empty, null, false)).ConfigureAwait(false);
        while (true)
        {
            await Task.Delay(s_neverEndingInterval, _cancellationToken).ConfigureAwait(false);
            await WriteEventAsync(w => WriteChunk(w, answer, chat.IncludeUsage, null, "… ", null, false)).ConfigureAwait(false);
        }
    }

    private async Task PauseBetweenChunksAsync()
    {
        var delay = _chunkDelay ?? _options.StreamChunkDelay;
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task StartEventStreamAsync()
    {
        Response.StatusCode = 200;
        Response.ContentType = "text/event-stream; charset=utf-8";
        Response.Headers.CacheControl = "no-cache";
        _context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await Response.StartAsync(_cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteEventAsync(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        buffer.Write(s_dataPrefix);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        buffer.Write(s_eventEnd);
        await Response.Body.WriteAsync(buffer.WrittenMemory, _cancellationToken).ConfigureAwait(false);
        await Response.Body.FlushAsync(_cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteJsonAsync(int statusCode, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        Response.StatusCode = statusCode;
        Response.ContentType = "application/json";
        Response.ContentLength = buffer.WrittenCount;
        await Response.Body.WriteAsync(buffer.WrittenMemory, _cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteRawAsync(int statusCode, string body, string contentType)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        Response.StatusCode = statusCode;
        Response.ContentType = contentType;
        Response.ContentLength = bytes.Length;
        await Response.Body.WriteAsync(bytes, _cancellationToken).ConfigureAwait(false);
    }

    private sealed record ChatAnswer(
        string Id,
        string Model,
        long Created,
        string Content,
        string FinishReason,
        int PromptTokens,
        int CompletionTokens,
        int CachedTokens,
        int ReasoningTokens)
    {
        public IReadOnlyList<string>? Pieces { get; init; }

        public IReadOnlyList<ScriptedToolCall> ToolCalls { get; init; } = [];
    }
}
