namespace SafeOpenAI;

/// <summary>What <see cref="PiiLeakValidator"/> does with personal data in an answer that the user did not supply.</summary>
public enum PiiLeakPolicy
{
    /// <summary>
    /// Replace each new value in the answer's text with a typed placeholder such as
    /// <c>&lt;EMAIL_ADDRESS_REDACTED&gt;</c> (verdict <c>pii.leak_redacted</c>). Personal data in a
    /// refusal or in tool-call arguments cannot be rewritten and blocks the answer instead. The default.
    /// </summary>
    Redact = 0,

    /// <summary>Withhold the whole answer (verdict <c>pii.leaked</c>).</summary>
    Block = 1,
}
