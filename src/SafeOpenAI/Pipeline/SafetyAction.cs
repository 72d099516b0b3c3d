namespace SafeOpenAI;

/// <summary>
/// What a stage decided about a request or a response. Values are ordered by severity, so the
/// strictest decision of a verdict trail is its maximum.
/// </summary>
public enum SafetyAction
{
    /// <summary>The stage found nothing to act on; the call continues unchanged.</summary>
    Allow = 0,

    /// <summary>The stage changed what is sent or returned (for example redacted PII or capped a parameter); the call continues.</summary>
    Rewrite = 1,

    /// <summary>The answer must be held for a human reviewer before the caller may see it.</summary>
    Review = 2,

    /// <summary>The call stops; nothing (more) is sent to the model and no answer is returned.</summary>
    Block = 3,
}
