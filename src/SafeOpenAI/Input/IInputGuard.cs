namespace SafeOpenAI;

/// <summary>
/// A stage that inspects, and may rewrite, the outgoing messages of one request before they are
/// moderated and sent to the model. Guards run in the order they were registered, each seeing
/// the rewrites of the guards before it.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe (one instance serves every call), must honour
/// cancellation, and must not log, throw on, or otherwise surface raw user text: they report
/// what they found through the returned verdict, and the pipeline turns verdicts into
/// exceptions, logs, metrics and audit records.
/// </remarks>
public interface IInputGuard
{
    /// <summary>Gets the stage name used in verdicts, for example <c>InputLength</c>.</summary>
    string Name { get; }

    /// <summary>Inspects the request.</summary>
    /// <param name="request">The request as earlier stages left it.</param>
    /// <param name="cancellationToken">Cancels the inspection.</param>
    /// <returns>The verdict, with the rewritten messages when the verdict is <see cref="SafetyAction.Rewrite"/>.</returns>
    ValueTask<InputGuardResult> InspectAsync(SafetyRequest request, CancellationToken cancellationToken);
}
