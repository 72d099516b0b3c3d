namespace SafeOpenAI;

/// <summary>
/// The step of the safety pipeline that produced a verdict, in the order the pipeline runs them
/// (see the architecture in <c>docs/architecture.md</c>).
/// </summary>
public enum SafetyPhase
{
    /// <summary>The end-user identity is hashed into the safety identifier.</summary>
    Identity = 0,

    /// <summary>Model parameters are defaulted and capped before anything is counted or sent.</summary>
    Hardening = 1,

    /// <summary>Request rate limits and token budgets are reserved.</summary>
    Budget = 2,

    /// <summary>Input guards inspect and rewrite the outgoing messages.</summary>
    Input = 3,

    /// <summary>Moderation of user-authored input.</summary>
    InputModeration = 4,

    /// <summary>The inner model call.</summary>
    Model = 5,

    /// <summary>Moderation of the model's answer.</summary>
    OutputModeration = 6,

    /// <summary>Output validators inspect the model's answer.</summary>
    Output = 7,

    /// <summary>The budget reservation is settled with the billed usage.</summary>
    Settle = 8,

    /// <summary>Review verdicts are routed to human review.</summary>
    Review = 9,

    /// <summary>The user access policy blocks suspended users (after identity, before the budget).</summary>
    Access = 10,
}
