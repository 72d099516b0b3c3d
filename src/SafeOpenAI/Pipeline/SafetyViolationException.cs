namespace SafeOpenAI;

/// <summary>
/// Thrown by the drop-in <see cref="SafeChatClient"/> methods when a stage blocks a call, or when
/// its answer is held for human review (unless <see cref="SafeOpenAIOptions.OnBlock"/> is
/// <see cref="SafetyBlockBehavior.ReturnRefusal"/>). The message names the stage and code;
/// <see cref="Verdict"/>'s <see cref="SafetyVerdict.UserMessage"/> is safe to show the end user.
/// Neither contains user text. A held answer has <see cref="Verdict"/> code <c>review.pending</c>
/// and a <see cref="ReviewId"/> to await with <see cref="IHumanReviewQueue.WaitForDecisionAsync"/>.
/// </summary>
public sealed class SafetyViolationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="verdict">The verdict that blocked the call.</param>
    /// <param name="verdicts">Every verdict of the call, in order.</param>
    /// <param name="auditId">The id of the call's audit record.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public SafetyViolationException(SafetyVerdict verdict, IReadOnlyList<SafetyVerdict> verdicts, string auditId)
        : base(FormatMessage(verdict))
    {
        ArgumentNullException.ThrowIfNull(verdicts);
        ArgumentNullException.ThrowIfNull(auditId);
        Verdict = verdict;
        Verdicts = verdicts;
        AuditId = auditId;
    }

    /// <summary>Gets the verdict that blocked the call or held its answer.</summary>
    public SafetyVerdict Verdict { get; }

    /// <summary>
    /// Gets the id of the human review that holds the answer (the <c>review_id</c> evidence of a
    /// <c>review.pending</c> verdict), or <see langword="null"/> when the call was blocked.
    /// </summary>
    public string? ReviewId => Verdict.Action == SafetyAction.Review && Verdict.Evidence.TryGetValue("review_id", out var id) ? id : null;

    /// <summary>Gets every verdict of the call, in order.</summary>
    public IReadOnlyList<SafetyVerdict> Verdicts { get; }

    /// <summary>Gets the id of the call's audit record.</summary>
    public string AuditId { get; }

    private static string FormatMessage(SafetyVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var what = verdict.Action == SafetyAction.Review ? "The answer was held for human review" : "The call was blocked";
        return $"{what} by {verdict.Stage} ({verdict.Code}): {verdict.UserMessage ?? "no further detail"}";
    }
}
