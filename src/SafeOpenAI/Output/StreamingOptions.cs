namespace SafeOpenAI;

/// <summary>
/// How streamed answers are checked (<c>SafeOpenAI:Streaming</c>): in sentence-aligned windows,
/// each passed to output moderation and to every validator whose scope is
/// <see cref="OutputValidationScope.Window"/>.
/// </summary>
/// <remarks>
/// A window closes at the first update boundary after a sentence end (<c>.</c>, <c>!</c>,
/// <c>?</c>, a line break) once it holds at least <see cref="WindowCharacters"/> characters, or
/// when it reaches twice that without a sentence end (then it is cut at the last update boundary
/// between words, so no word is split between windows; only a run of four times the window size
/// without such a boundary is cut where it stands), or when the stream ends. Windows are made
/// of whole model updates, so the text checked is exactly the text released. A phrase split across
/// two windows is seen whole by the second window's checks through the overlap, but in that case
/// its first part has already been released.
/// </remarks>
public sealed class StreamingOptions
{
    /// <summary>Gets or sets how text is released. Default <see cref="StreamingMode.HoldBack"/>.</summary>
    public StreamingMode Mode { get; set; } = StreamingMode.HoldBack;

    /// <summary>
    /// Gets or sets the least number of characters in a window before it may close at a sentence
    /// end. Default 300 characters (a few sentences: one moderation request per window keeps the
    /// added latency to one check). Between 20 and 100,000.
    /// </summary>
    public int WindowCharacters { get; set; } = 300;

    /// <summary>
    /// Gets or sets how many characters of the text before a window are given to its checks as
    /// <see cref="OutputWindow.Context"/>, so that a phrase or token split across the boundary is
    /// still seen. Default 60 characters. Between 0 and 100,000.
    /// </summary>
    public int OverlapCharacters { get; set; } = 60;
}
