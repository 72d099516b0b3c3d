using System.Text;

namespace SafeOpenAI;

/// <summary>
/// Cuts a streamed answer into sentence-aligned windows made of whole chunks, and remembers the
/// released text that the next window's checks see as context. Used by one call at a time.
/// </summary>
internal sealed class StreamWindowBuffer(int windowCharacters, int overlapCharacters)
{
    private readonly List<SafetyStreamChunk> _chunks = [];
    private readonly StringBuilder _text = new();
    private readonly StringBuilder _released = new();
    private int _index;
    private int _offset;

    /// <summary>Gets the text the caller has been given so far (or will be, for held windows), rewrites applied.</summary>
    public string ReleasedText => _released.ToString();

    /// <summary>Gets a value indicating whether the open window holds any chunk.</summary>
    public bool IsEmpty => _chunks.Count == 0;

    public void Add(SafetyStreamChunk chunk)
    {
        _chunks.Add(chunk);
        _text.Append(chunk.Text);
    }

    /// <summary>
    /// Whether the open window should close now: it ends a sentence and holds at least the window
    /// size, or it has grown to twice the window size without a sentence end and can be cut between
    /// words, or it has grown to four times the window size.
    /// </summary>
    public bool ShouldClose() =>
        (_text.Length >= windowCharacters && EndsSentence(_text))
        || (_text.Length >= 2 * windowCharacters && WordBoundaryChunkCount() > 0)
        || _text.Length >= 4 * windowCharacters;

    /// <summary>
    /// Closes the open window and returns it with its context. A window that reached the size cap
    /// without a sentence end is cut at the last chunk boundary between words, and the chunks after
    /// it open the next window, so that no word is split between two windows (a word split in two
    /// could pass both checks); only a single run without white space longer than the cap is cut
    /// where it stands.
    /// </summary>
    public ClosedWindow Close(bool isFinal)
    {
        var context = _released.Length <= overlapCharacters
            ? _released.ToString()
            : _released.ToString(_released.Length - overlapCharacters, overlapCharacters);
        var boundary = isFinal || EndsSentence(_text) ? _chunks.Count : WordBoundaryChunkCount();
        var count = boundary > 0 ? boundary : _chunks.Count;
        var taken = _chunks.GetRange(0, count).ToArray();
        var text = count == _chunks.Count ? _text.ToString() : string.Concat(taken.Select(c => c.Text));
        var window = new ClosedWindow(new OutputWindow(_index, _offset, context, isFinal), text, taken);
        _index++;
        _offset += text.Length;
        _chunks.RemoveRange(0, count);
        _text.Remove(0, text.Length);
        return window;
    }

    /// <summary>The number of leading chunks that end between two words, or 0 when no chunk boundary falls between words.</summary>
    private int WordBoundaryChunkCount()
    {
        if (_chunks.Count > 0 && _chunks[^1].Text is { Length: > 0 } last && char.IsWhiteSpace(last[^1]))
        {
            return _chunks.Count;
        }

        for (var k = _chunks.Count - 1; k >= 1; k--)
        {
            var next = _chunks[k].Text;
            var previous = _chunks[k - 1].Text;
            if ((next.Length > 0 && char.IsWhiteSpace(next[0])) || (previous.Length > 0 && char.IsWhiteSpace(previous[^1])))
            {
                return k;
            }
        }

        return 0;
    }

    /// <summary>Records the text of a window as the caller receives it (after rewrites).</summary>
    public void MarkReleased(string text) => _released.Append(text);

    internal static bool EndsSentence(StringBuilder text)
    {
        for (var i = text.Length - 1; i >= 0; i--)
        {
            var c = text[i];
            if (c == '\n')
            {
                return true;
            }

            if (char.IsWhiteSpace(c) || c is '"' or '\'' or ')' or ']' or '»' or '\u201D' or '\u2019' or '*' or '_')
            {
                continue;
            }

            return c is '.' or '!' or '?' or '\u2026' or '\u3002' or '\uFF01' or '\uFF1F';
        }

        return false;
    }
}

/// <summary>One closed window: where it sits, its text as the model wrote it, and its chunks.</summary>
internal sealed record ClosedWindow(OutputWindow Window, string Text, IReadOnlyList<SafetyStreamChunk> Chunks);
