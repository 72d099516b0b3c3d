namespace SafeOpenAI;

/// <summary>What part of an answer an <see cref="IOutputValidator"/> needs to see for one request.</summary>
/// <remarks>
/// A non-streamed answer is always checked whole by every validator whose scope is not
/// <see cref="None"/>. A streamed answer is checked window by window by validators whose scope is
/// <see cref="Window"/>; a validator whose scope is <see cref="WholeAnswer"/> makes the stream hold
/// every window back until the whole answer has passed it (see <see cref="StreamingOptions"/>).
/// <see cref="WholeAnswer"/> is the zero value, so an unset scope is the safe one.
/// </remarks>
public enum OutputValidationScope
{
    /// <summary>The validator needs the complete answer (a JSON schema, a custom whole-answer rule).</summary>
    WholeAnswer,

    /// <summary>The validator can judge a streamed answer one sentence-aligned window at a time.</summary>
    Window,

    /// <summary>The validator has nothing to check for this request (no schema, no sources, ...) and is not called.</summary>
    None,
}
