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
    /// size, or it has grown to twice the window size without a sentence end.
    /// </summary>
    public bool ShouldClose() =>
        (_text.Length >= windowCharacters && EndsSentence(_text)) || _text.Length >= 2 * windowCharacters;

    /// <summary>Closes the open window and returns it with its context.</summary>
    public ClosedWindow Close(bool isFinal)
    {
        var context = _released.Length <= overlapCharacters
            ? _released.ToString()
            : _released.ToString(_released.Length - overlapCharacters, overlapCharacters);
        var window = new ClosedWindow(new OutputWindow(_index, _offset, context, isFinal), _text.ToString(), _chunks.ToArray());
        _index++;
        _offset += _text.Length;
        _chunks.Clear();
        _text.Clear();
        return window;
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
