namespace SafeOpenAI;

/// <summary>
/// Thrown by the drop-in <see cref="SafeChatClient"/> methods when a stage blocks a call (unless
/// <see cref="SafeOpenAIOptions.OnBlock"/> is <see cref="SafetyBlockBehavior.ReturnRefusal"/>).
/// The message names the stage and code; <see cref="Verdict"/>'s <see cref="SafetyVerdict.UserMessage"/>
/// is safe to show the end user. Neither contains user text.
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

    /// <summary>Gets the verdict that blocked the call.</summary>
    public SafetyVerdict Verdict { get; }

    /// <summary>Gets every verdict of the call, in order.</summary>
    public IReadOnlyList<SafetyVerdict> Verdicts { get; }

    /// <summary>Gets the id of the call's audit record.</summary>
    public string AuditId { get; }

    private static string FormatMessage(SafetyVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        return $"The call was blocked by {verdict.Stage} ({verdict.Code}): {verdict.UserMessage ?? "no further detail"}";
    }
}
