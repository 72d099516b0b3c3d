namespace SafeOpenAI.Cli.Check;

/// <summary>The section of the "safety measures in force" document an item belongs to, in document order.</summary>
internal enum CheckGroup
{
    /// <summary>The configuration itself: valid, and secrets kept out of the files.</summary>
    Configuration,

    /// <summary>Input-layer defenses: delimiters, injection guard, PII and secrets, input length.</summary>
    InputDefenses,

    /// <summary>Moderation of input and output.</summary>
    Moderation,

    /// <summary>Output-layer checks: token cap, validation, groundedness.</summary>
    OutputChecks,

    /// <summary>Rate limits, budgets and cost monitoring.</summary>
    LimitsAndBudgets,

    /// <summary>Oversight: audit, alerts, anomaly monitoring, identity, human review, feedback, incident contact, limited release.</summary>
    Oversight,

    /// <summary>The recorded red-team run.</summary>
    RedTeam,
}
