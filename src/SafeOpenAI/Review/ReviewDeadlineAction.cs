namespace SafeOpenAI;

/// <summary>What happens to a held answer that nobody decided before its deadline.</summary>
public enum ReviewDeadlineAction
{
    /// <summary>It is rejected (<see cref="ReviewOutcome.Expired"/>): an undecided answer is never released.</summary>
    Reject = 0,

    /// <summary>
    /// It becomes <see cref="ReviewStatus.Escalated"/> with a new deadline
    /// (<see cref="HumanReviewOptions.EscalationDeadline"/>) and a <c>review.escalated</c> alert;
    /// after <see cref="HumanReviewOptions.MaxEscalations"/> escalations it is rejected.
    /// </summary>
    Escalate = 1,
}
