namespace SafeOpenAI;

/// <summary>The stable codes of the <see cref="AnomalyMonitor"/>'s rules, used as <see cref="SafetyAlert.Rule"/> and <see cref="UserSuspension.Reason"/>.</summary>
public static class AnomalyRules
{
    /// <summary><c>anomaly.token_spike</c>: a user's tokens in the window far above that user's own baseline.</summary>
    public const string TokenSpike = "anomaly.token_spike";

    /// <summary><c>anomaly.repeated_moderation_flags</c>: a user's inputs or answers flagged by moderation repeatedly within the window.</summary>
    public const string RepeatedModerationFlags = "anomaly.repeated_moderation_flags";

    /// <summary><c>anomaly.repeated_injection</c>: prompt injection or jailbreak detected in a user's inputs repeatedly within the window.</summary>
    public const string RepeatedInjection = "anomaly.repeated_injection";

    /// <summary><c>anomaly.latency_p95</c>: the 95th percentile of call durations in the window above the threshold.</summary>
    public const string LatencyP95 = "anomaly.latency_p95";

    /// <summary><c>anomaly.error_rate</c>: the share of failed calls in the window above the threshold.</summary>
    public const string ErrorRate = "anomaly.error_rate";

    /// <summary><c>anomaly.feedback_spike</c>: user reports about answers in the window above the threshold.</summary>
    public const string FeedbackSpike = "anomaly.feedback_spike";
}
