namespace SafeOpenAI;

/// <summary>
/// Where one window of a streamed answer sits: set on <see cref="SafetyResponse.Window"/> when an
/// output stage sees a window instead of the whole answer. Immutable.
/// </summary>
/// <remarks>
/// The window's own text is the response's <see cref="SafetyResponse.Text"/>: exactly the text the
/// caller receives if the window passes. <see cref="Context"/> is the end of the text before it
/// (up to <see cref="StreamingOptions.OverlapCharacters"/> characters), given so that a check can
/// see a token or phrase split across the boundary; it has already been released (or held) with
/// the previous window and must not be rewritten.
/// </remarks>
public sealed class OutputWindow
{
    /// <summary>Creates a window description.</summary>
    /// <param name="index">The window's position in the answer, from 0.</param>
    /// <param name="offset">The number of answer characters before this window's text.</param>
    /// <param name="context">The preceding answer text given for context; empty for the first window.</param>
    /// <param name="isFinal">Whether this is the answer's last window.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> or <paramref name="offset"/> is negative.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public OutputWindow(int index, int offset, string context, bool isFinal)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentNullException.ThrowIfNull(context);
        Index = index;
        Offset = offset;
        Context = context;
        IsFinal = isFinal;
    }

    /// <summary>Gets the window's position in the answer, from 0.</summary>
    public int Index { get; }

    /// <summary>Gets the number of answer characters (UTF-16 code units) before this window's text.</summary>
    public int Offset { get; }

    /// <summary>Gets the preceding answer text given for context (never rewritten, never re-emitted).</summary>
    public string Context { get; }

    /// <summary>Gets a value indicating whether this is the answer's last window.</summary>
    public bool IsFinal { get; }
}
