namespace SafeOpenAI;

/// <summary>How a call ended, as recorded in its <see cref="AuditRecord"/>.</summary>
public enum AuditOutcome
{
    /// <summary>The answer was returned to the caller.</summary>
    Completed = 0,

    /// <summary>A stage blocked the call.</summary>
    Blocked = 1,

    /// <summary>The answer is held for human review.</summary>
    PendingReview = 2,

    /// <summary>The call failed with an exception (the model endpoint failed, a stage threw, ...).</summary>
    Failed = 3,

    /// <summary>The caller cancelled the call.</summary>
    Cancelled = 4,
}
