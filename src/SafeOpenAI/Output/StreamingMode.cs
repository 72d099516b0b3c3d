namespace SafeOpenAI;

/// <summary>How a streamed answer is released while output moderation and validators check it window by window.</summary>
public enum StreamingMode
{
    /// <summary>
    /// No text reaches the caller before the window holding it has passed every output check:
    /// zero exposure, at the price of one window's generation and check before the first text.
    /// The default.
    /// </summary>
    HoldBack,

    /// <summary>
    /// Text is passed on as the model produces it and windows are checked behind it; when a window
    /// fails, the stream ends at once with a <c>content_filter</c> finish. Lower latency, but the
    /// failing window (and what arrived while it was checked) has already been shown. Rewrites
    /// (PII placeholders put back, redaction) cannot change text already sent.
    /// </summary>
    CutOff,
}
