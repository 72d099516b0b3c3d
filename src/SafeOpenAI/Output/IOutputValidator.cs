namespace SafeOpenAI;

/// <summary>
/// A stage that inspects, and may rewrite, one model answer against the request that produced it
/// (a JSON schema, the request's sources, a canary token, PII that should not come back).
/// Validators run in registration order after output moderation.
/// </summary>
/// <remarks>When the answer is streamed, <see cref="SafetyResponse.Window"/> says which window is being checked. Implementations are thread-safe, honour cancellation, and report through the verdict, never by logging raw text.</remarks>
public interface IOutputValidator
{
    /// <summary>Gets the stage name used in verdicts.</summary>
    string Name { get; }

    /// <summary>Validates the answer.</summary>
    /// <param name="request">The request as the model received it.</param>
    /// <param name="response">The answer as earlier validators left it.</param>
    /// <param name="cancellationToken">Cancels the validation.</param>
    /// <returns>The verdict, with the rewritten answer for a rewrite.</returns>
    ValueTask<OutputValidationResult> ValidateAsync(SafetyRequest request, SafetyResponse response, CancellationToken cancellationToken);

    /// <summary>
    /// Tells the pipeline what this validator needs to see for one request. The default,
    /// <see cref="OutputValidationScope.WholeAnswer"/>, is always safe: a streamed answer is then
    /// held back whole until this validator has passed it. Return
    /// <see cref="OutputValidationScope.Window"/> when a window of the answer can be judged on its
    /// own (with <see cref="OutputWindow.Context"/>), and <see cref="OutputValidationScope.None"/>
    /// when there is nothing to check for this request.
    /// </summary>
    /// <param name="request">The request as the model received it.</param>
    /// <returns>The scope; must not depend on anything but the request.</returns>
    OutputValidationScope GetScope(SafetyRequest request) => OutputValidationScope.WholeAnswer;
}
