namespace SafeOpenAI;

/// <summary>
/// Chunks of a streamed answer that passed their checks and may now reach the caller. Immutable.
/// </summary>
/// <remarks>
/// When <see cref="RewrittenText"/> is <see langword="null"/> the front door passes the chunks' own
/// updates on unchanged. Otherwise a validator rewrote the window (for example to put redacted
/// values back): the front door sends <see cref="RewrittenText"/> in place of the chunks' text and
/// keeps everything else they carry (tool-call deltas, usage, finish reason).
/// </remarks>
public sealed class SafetyStreamRelease
{
    /// <summary>Creates a release.</summary>
    /// <param name="chunks">The chunks to release, in stream order.</param>
    /// <param name="rewrittenText">The text that replaces the chunks' text, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="chunks"/> is null.</exception>
    public SafetyStreamRelease(IReadOnlyList<SafetyStreamChunk> chunks, string? rewrittenText)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        Chunks = chunks;
        RewrittenText = rewrittenText;
    }

    /// <summary>Gets the chunks to release, in stream order.</summary>
    public IReadOnlyList<SafetyStreamChunk> Chunks { get; }

    /// <summary>Gets the text that replaces the chunks' text, or <see langword="null"/> to release them unchanged.</summary>
    public string? RewrittenText { get; }
}
