namespace SafeOpenAI;

/// <summary>How a human review ended. Stored as its number: values never change.</summary>
public enum ReviewOutcome
{
    /// <summary>A reviewer approved the answer as the model wrote it.</summary>
    Approved = 0,

    /// <summary>A reviewer edited the answer and approved the edited text.</summary>
    Edited = 1,

    /// <summary>A reviewer rejected the answer; it is never released.</summary>
    Rejected = 2,

    /// <summary>Nobody decided before the deadline (after any escalations), and the policy rejected it.</summary>
    Expired = 3,
}
