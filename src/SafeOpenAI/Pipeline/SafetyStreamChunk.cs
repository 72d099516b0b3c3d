namespace SafeOpenAI;

/// <summary>
/// One piece of a streamed answer, in the neutral view: the text it adds and the front door's own
/// update object, which the pipeline hands back unchanged when the piece is released. Immutable.
/// </summary>
/// <remarks>
/// A stream ends with at most one closing chunk from <see cref="Completed"/> that carries the whole
/// answer (usage, finish reason, tool calls, refusal); it is not released. When a stream has no
/// closing chunk, the pipeline builds the answer from the text it saw and estimates the usage.
/// </remarks>
public sealed class SafetyStreamChunk
{
    /// <summary>Creates a chunk.</summary>
    /// <param name="text">The answer text this chunk adds (content and refusal text the caller reads); empty for a chunk with only tool-call deltas, usage or a finish reason.</param>
    /// <param name="rawRepresentation">The front door's update object, released unchanged.</param>
    /// <param name="hasToolCalls">Whether the chunk carries tool-call deltas; such chunks are held until the tool calls have been checked whole (in <see cref="StreamingMode.HoldBack"/>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public SafetyStreamChunk(string text, object? rawRepresentation, bool hasToolCalls = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        Text = text;
        RawRepresentation = rawRepresentation;
        HasToolCalls = hasToolCalls;
    }

    private SafetyStreamChunk(SafetyResponse response)
    {
        Text = string.Empty;
        Response = response;
    }

    /// <summary>Gets the answer text this chunk adds.</summary>
    public string Text { get; }

    /// <summary>Gets the front door's update object, or <see langword="null"/>.</summary>
    public object? RawRepresentation { get; }

    /// <summary>Gets a value indicating whether the chunk carries tool-call deltas.</summary>
    public bool HasToolCalls { get; }

    /// <summary>Gets the whole answer, for the closing chunk made by <see cref="Completed"/>; otherwise <see langword="null"/>.</summary>
    public SafetyResponse? Response { get; }

    /// <summary>Creates the closing chunk that reports the whole answer once the stream has ended.</summary>
    /// <param name="response">The whole answer with its usage, finish reason, tool calls and refusal.</param>
    /// <returns>The closing chunk.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is null.</exception>
    public static SafetyStreamChunk Completed(SafetyResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return new SafetyStreamChunk(response);
    }
}
