namespace SafeOpenAI;

/// <summary>Where a held answer is in its human review. Stored as its number: values never change.</summary>
public enum ReviewStatus
{
    /// <summary>Waiting for a reviewer.</summary>
    Pending = 0,

    /// <summary>A reviewer claimed it; others cannot decide it until the claim expires (<see cref="HumanReviewOptions.ClaimTimeout"/>).</summary>
    Claimed = 1,

    /// <summary>Its deadline passed under <see cref="ReviewDeadlineAction.Escalate"/>: still open, with a new deadline and an alert raised.</summary>
    Escalated = 2,

    /// <summary>Decided: the answer (as approved or as edited) may be released.</summary>
    Approved = 3,

    /// <summary>Decided: the answer is withheld, by a reviewer or by the deadline policy.</summary>
    Rejected = 4,
}
