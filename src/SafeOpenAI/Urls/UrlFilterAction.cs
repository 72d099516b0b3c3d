namespace SafeOpenAI;

/// <summary>What <see cref="UrlFilter"/> does with a URL it refuses in the model's answer.</summary>
public enum UrlFilterAction
{
    /// <summary>
    /// Replace the URL in the answer's text with <see cref="UrlFilterOptions.Replacement"/>
    /// (verdict <c>url.redacted</c>) and keep the rest of the answer. A refused URL in a refusal or in
    /// tool-call arguments cannot be rewritten and blocks the answer instead. The default.
    /// </summary>
    Redact = 0,

    /// <summary>Withhold the whole answer with the refused URL's own code (for example <c>url.not_allowed</c>).</summary>
    Block = 1,
}
