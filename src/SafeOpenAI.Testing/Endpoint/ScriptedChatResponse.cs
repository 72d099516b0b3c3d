namespace SafeOpenAI.Testing;

/// <summary>
/// A response that <see cref="LocalOpenAIEndpoint"/> sends to one chat completion request instead
/// of the offline model's answer: a text, an HTTP error, a delay, a broken or never-ending stream,
/// or raw bytes. Build one with the static factories and refine it with the <c>With…</c> methods.
/// Immutable and thread-safe; the same instance may be enqueued several times.
/// </summary>
/// <remarks>
/// A text answer is sent in the shape the request asked for: a <c>chat.completion</c> JSON object,
/// or, when the request has <c>"stream": true</c>, a server-sent event stream of
/// <c>chat.completion.chunk</c> objects. The request's <c>max_completion_tokens</c> (or
/// <c>max_tokens</c>) cuts a scripted text like the offline model's, with finish reason
/// <c>length</c>, unless <see cref="WithFinishReason"/> overrides it.
/// </remarks>
public sealed class ScriptedChatResponse
{
    private ScriptedChatResponse(ScriptedChatKind kind)
    {
        Kind = kind;
    }

    internal ScriptedChatKind Kind { get; }

    internal string? Content { get; private set; }

    internal int StatusCode { get; private set; } = 200;

    internal string? ErrorMessage { get; private set; }

    internal TimeSpan? RetryAfter { get; private set; }

    internal TimeSpan Delay { get; private set; }

    internal int AfterChunks { get; private set; }

    internal int? PromptTokens { get; private set; }

    internal int? CompletionTokens { get; private set; }

    internal int CachedTokens { get; private set; }

    internal int ReasoningTokens { get; private set; }

    internal string? FinishReason { get; private set; }

    internal string? RawBody { get; private set; }

    internal IReadOnlyList<string>? Pieces { get; private set; }

    internal TimeSpan? ChunkDelay { get; private set; }

    internal IReadOnlyList<ScriptedToolCall> ToolCalls { get; private set; } = [];

    internal string? ContentType { get; private set; }

    internal string? Model { get; private set; }

    /// <summary>Creates a response whose answer is the given text.</summary>
    /// <param name="content">The assistant message content.</param>
    /// <returns>The response.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="content"/> is null.</exception>
    public static ScriptedChatResponse Text(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return new ScriptedChatResponse(ScriptedChatKind.Text) { Content = content };
    }

    /// <summary>
    /// Creates a text response that a streaming request receives in exactly these pieces, one
    /// <c>chat.completion.chunk</c> each (a non-streaming request receives their concatenation).
    /// </summary>
    /// <param name="pieces">The content deltas, in order; none null.</param>
    /// <returns>The response.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pieces"/> or one of them is null.</exception>
    public static ScriptedChatResponse Streamed(params string[] pieces)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        foreach (var piece in pieces)
        {
            ArgumentNullException.ThrowIfNull(piece, nameof(pieces));
        }

        return new ScriptedChatResponse(ScriptedChatKind.Text) { Content = string.Concat(pieces), Pieces = pieces.ToArray() };
    }

    /// <summary>Creates a response that lets the offline model answer; useful with <see cref="Delayed"/> and <see cref="WithUsage"/>.</summary>
    /// <returns>The response.</returns>
    public static ScriptedChatResponse Offline() => new(ScriptedChatKind.Text);

    /// <summary>
    /// Creates an HTTP error with OpenAI's error body (<c>{"error":{"message","type","param","code"}}</c>).
    /// Note that the OpenAI SDK retries 408, 429 and 5xx (three retries by default), so a test
    /// that wants the error to surface enqueues it four times or sets
    /// <c>OpenAIClientOptions.RetryPolicy</c> to <c>new ClientRetryPolicy(maxRetries: 0)</c>.
    /// </summary>
    /// <param name="statusCode">The HTTP status, 400 to 599.</param>
    /// <param name="retryAfter">When set, sent as <c>retry-after</c> (whole seconds, rounded up) and <c>retry-after-ms</c>; the SDK waits that long before retrying.</param>
    /// <param name="message">The error message; a default that names the status when <see langword="null"/>.</param>
    /// <returns>The response.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="statusCode"/> is not 400 to 599, or <paramref name="retryAfter"/> is negative.</exception>
    public static ScriptedChatResponse Error(int statusCode, TimeSpan? retryAfter = null, string? message = null)
    {
        ValidateError(statusCode, retryAfter);
        return new ScriptedChatResponse(ScriptedChatKind.Error) { StatusCode = statusCode, RetryAfter = retryAfter, ErrorMessage = message };
    }

    /// <summary>Creates a response that waits before <paramref name="inner"/> is sent; the wait ends early when the client disconnects.</summary>
    /// <param name="delay">How long to wait before anything is sent.</param>
    /// <param name="inner">What to send after the wait.</param>
    /// <returns>The response.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    public static ScriptedChatResponse Delayed(TimeSpan delay, ScriptedChatResponse inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        var copy = inner.Clone();
        copy.Delay += delay;
        return copy;
    }

    /// <summary>
    /// Creates a response that starts a 200 answer and then closes the connection: for a streaming
    /// request after <paramref name="afterChunks"/> SSE events (the first carries the role), for a
    /// non-streaming request after part of the JSON body. The client sees an I/O error. The SSE
    /// events are paced like a text answer's (<see cref="WithChunkDelay"/>,
    /// <see cref="LocalOpenAIEndpointOptions.StreamChunkDelay"/>).
    /// </summary>
    /// <param name="afterChunks">How many complete SSE events are sent before the connection is aborted; 0 or more.</param>
    /// <param name="content">The answer whose chunks are sent; the offline model's answer when <see langword="null"/>.</param>
    /// <returns>The response.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterChunks"/> is negative.</exception>
    public static ScriptedChatResponse BrokenStream(int afterChunks, string? content = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterChunks);
        return new ScriptedChatResponse(ScriptedChatKind.BrokenStream) { AfterChunks = afterChunks, Content = content };
    }

    /// <summary>
    /// Creates a response that never finishes: a streaming request receives a content chunk every
    /// 50 milliseconds, a non-streaming request receives nothing, until the client cancels or the
    /// endpoint is disposed.
    /// </summary>
    /// <returns>The response.</returns>
    public static ScriptedChatResponse NeverEndingStream() => new(ScriptedChatKind.NeverEnding);

    /// <summary>Creates a response with an arbitrary status, body and content type, sent as they are (for malformed or unexpected answers).</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="body">The body text, sent as UTF-8.</param>
    /// <param name="contentType">The content type; <c>application/json</c> by default.</param>
    /// <returns>The response.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="statusCode"/> is not 100 to 599.</exception>
    public static ScriptedChatResponse Raw(int statusCode, string body, string contentType = "application/json")
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        return new ScriptedChatResponse(ScriptedChatKind.Raw) { StatusCode = statusCode, RawBody = body, ContentType = contentType };
    }

    /// <summary>Returns a copy that reports the given usage instead of the endpoint's own token estimate.</summary>
    /// <param name="promptTokens">The <c>prompt_tokens</c> to report.</param>
    /// <param name="completionTokens">The <c>completion_tokens</c> to report.</param>
    /// <param name="cachedTokens">The <c>prompt_tokens_details.cached_tokens</c> to report.</param>
    /// <param name="reasoningTokens">The <c>completion_tokens_details.reasoning_tokens</c> to report.</param>
    /// <returns>The copy.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    public ScriptedChatResponse WithUsage(int promptTokens, int completionTokens, int cachedTokens = 0, int reasoningTokens = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(promptTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(completionTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(cachedTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(reasoningTokens);
        var copy = Clone();
        copy.PromptTokens = promptTokens;
        copy.CompletionTokens = completionTokens;
        copy.CachedTokens = cachedTokens;
        copy.ReasoningTokens = reasoningTokens;
        return copy;
    }

    /// <summary>Returns a copy whose answer names <paramref name="model"/> in its <c>model</c> field instead of the requested model.</summary>
    /// <param name="model">The model name to report.</param>
    /// <returns>The copy.</returns>
    /// <exception cref="ArgumentException"><paramref name="model"/> is null or white space.</exception>
    public ScriptedChatResponse WithModel(string model)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var copy = Clone();
        copy.Model = model;
        return copy;
    }

    /// <summary>Returns a copy that reports the given finish reason (for example <c>content_filter</c>) whatever the token cap.</summary>
    /// <param name="finishReason">The <c>finish_reason</c> to report: <c>stop</c>, <c>length</c>, <c>content_filter</c>, <c>tool_calls</c>.</param>
    /// <returns>The copy.</returns>
    /// <exception cref="ArgumentException"><paramref name="finishReason"/> is null or white space.</exception>
    public ScriptedChatResponse WithFinishReason(string finishReason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(finishReason);
        var copy = Clone();
        copy.FinishReason = finishReason;
        return copy;
    }

    /// <summary>
    /// Returns a copy that, when streamed, waits this long before each chunk after the first, like
    /// a model producing tokens; it wins over <see cref="LocalOpenAIEndpointOptions.StreamChunkDelay"/>.
    /// </summary>
    /// <param name="delay">The pause before each chunk; zero for none.</param>
    /// <returns>The copy.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    public ScriptedChatResponse WithChunkDelay(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        var copy = Clone();
        copy.ChunkDelay = delay;
        return copy;
    }

    /// <summary>
    /// Returns a copy whose answer also calls a function: in a non-streamed answer as
    /// <c>message.tool_calls</c>, in a stream as tool-call deltas after the content (the arguments
    /// split into pieces of the endpoint's chunk size). The finish reason becomes
    /// <c>tool_calls</c> unless <see cref="WithFinishReason"/> sets another.
    /// </summary>
    /// <param name="id">The tool call id, for example <c>call_1</c>.</param>
    /// <param name="name">The function name.</param>
    /// <param name="arguments">The arguments as JSON text.</param>
    /// <returns>The copy.</returns>
    /// <exception cref="ArgumentException"><paramref name="id"/> or <paramref name="name"/> is null or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="arguments"/> is null.</exception>
    public ScriptedChatResponse WithToolCall(string id, string name, string arguments)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(arguments);
        var copy = Clone();
        copy.ToolCalls = [.. ToolCalls, new ScriptedToolCall(id, name, arguments)];
        return copy;
    }

    /// <inheritdoc />
    public override string ToString() => Delay > TimeSpan.Zero ? $"{Kind} after {Delay}" : Kind.ToString();

    internal static void ValidateError(int statusCode, TimeSpan? retryAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        if (retryAfter is { } wait)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero, nameof(retryAfter));
        }
    }

    private ScriptedChatResponse Clone() => (ScriptedChatResponse)MemberwiseClone();
}

/// <summary>What a <see cref="ScriptedChatResponse"/> does.</summary>
internal enum ScriptedChatKind
{
    Text,
    Error,
    BrokenStream,
    NeverEnding,
    Raw,
}

/// <summary>A function call in a scripted answer.</summary>
internal sealed record ScriptedToolCall(string Id, string Name, string Arguments);
