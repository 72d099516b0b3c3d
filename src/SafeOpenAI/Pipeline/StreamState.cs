using System.Text;

namespace SafeOpenAI;

/// <summary>
/// The state of one streamed call between the model stream and the caller: the windows, what is
/// held back, and what has been released. Used by one call at a time (in CutOff mode the window
/// checker only reads the validator lists and appends released text after the stream loop has
/// handed it a closed window).
/// </summary>
internal sealed class StreamState(PipelineCall call, SafetyStreamReleaser release, StreamWindowBuffer windows)
{
    private readonly StringBuilder _modelText = new();
    private readonly List<(ClosedWindow Window, string Text)> _held = [];
    private readonly List<SafetyStreamRelease> _deferred = [];
    private SafetyResponse? _completed;
    private string? _replacedText;

    public PipelineCall Call { get; } = call;

    public SafetyStreamReleaser Release { get; } = release;

    public StreamWindowBuffer Windows { get; } = windows;

    public List<IOutputValidator> WindowValidators { get; } = [];

    public List<IOutputValidator> WholeAnswerValidators { get; } = [];

    /// <summary>Gets or sets how this stream releases text: the configured mode, or HoldBack when the answer is already bound for human review.</summary>
    public StreamingMode Mode { get; set; }

    /// <summary>Gets or sets a value indicating whether every window is held until the whole answer passed (a whole-answer validator in HoldBack mode, or an answer bound for human review).</summary>
    public bool HoldAll { get; set; }

    /// <summary>Gets or sets a value indicating whether a validator rewrote any window.</summary>
    public bool Rewritten { get; set; }

    /// <summary>Gets a value indicating whether the model began to answer: at least one chunk arrived, so the provider bills the prompt and what it generated.</summary>
    public bool Started { get; private set; }

    /// <summary>Takes one chunk from the model stream; returns false for the closing chunk, which only reports the whole answer.</summary>
    public bool Accept(SafetyStreamChunk chunk)
    {
        Started = true;
        if (chunk.Response is { } completed)
        {
            _completed = completed;
            return false;
        }

        _modelText.Append(chunk.Text);
        Windows.Add(chunk);
        return true;
    }

    /// <summary>The model's whole answer: the front door's closing report, or the text seen when it sent none.</summary>
    public SafetyResponse ModelAnswer() =>
        _completed ?? new SafetyResponse([MessagePart.FromText(_modelText.ToString())], usage: null, finishReason: null);

    /// <summary>The text received before the stream broke or was cancelled, for settlement (its usage is estimated); no finish reason, as the model never finished.</summary>
    public SafetyResponse InterruptedAnswer() =>
        _completed ?? new SafetyResponse([MessagePart.FromText(_modelText.ToString())], usage: null, finishReason: null);

    /// <summary>The text received before the stream was stopped early, for settlement (its usage is estimated).</summary>
    public SafetyResponse PartialAnswer() =>
        new([MessagePart.FromText(_modelText.ToString())], usage: null, finishReason: "content_filter");

    /// <summary>Releases (or holds) a window that passed its checks, HoldBack mode.</summary>
    public async ValueTask PassAsync(ClosedWindow window, string text, CancellationToken cancellationToken)
    {
        Windows.MarkReleased(text);
        if (HoldAll)
        {
            _held.Add((window, text));
            return;
        }

        var rewritten = !string.Equals(text, window.Text, StringComparison.Ordinal);
        var now = new List<SafetyStreamChunk>(window.Chunks.Count);
        foreach (var chunk in window.Chunks)
        {
            if (chunk.HasToolCalls)
            {
                // Tool-call arguments are checked whole at the end; their chunks wait until then.
                _deferred.Add(new SafetyStreamRelease([chunk], rewritten ? string.Empty : null));
            }
            else
            {
                now.Add(chunk);
            }
        }

        if (now.Count > 0)
        {
            await Release(new SafetyStreamRelease(now, rewritten ? text : null), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Replaces the text of everything held with one rewritten whole answer (HoldAll only).</summary>
    public void ReplaceHeldText(string text) => _replacedText = text;

    /// <summary>Releases the last window and everything still held or deferred, once the whole answer passed.</summary>
    public async ValueTask ReleaseRemainingAsync(ClosedWindow last, string? lastText, StreamingMode mode, CancellationToken cancellationToken)
    {
        if (mode == StreamingMode.CutOff)
        {
            // Every chunk went out as it arrived.
            return;
        }

        if (_replacedText is not null)
        {
            var all = _held.SelectMany(h => h.Window.Chunks).Concat(last.Chunks).ToArray();
            await Release(new SafetyStreamRelease(all, _replacedText), cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var (window, text) in _held)
        {
            await Release(new SafetyStreamRelease(window.Chunks, string.Equals(text, window.Text, StringComparison.Ordinal) ? null : text), cancellationToken).ConfigureAwait(false);
        }

        if (last.Chunks.Count > 0)
        {
            var text = lastText ?? last.Text;
            await Release(new SafetyStreamRelease(last.Chunks, string.Equals(text, last.Text, StringComparison.Ordinal) ? null : text), cancellationToken).ConfigureAwait(false);
        }

        foreach (var deferred in _deferred)
        {
            await Release(deferred, cancellationToken).ConfigureAwait(false);
        }
    }
}
