namespace SafeOpenAI;

/// <summary>Whom a <see cref="SafetyAlert"/> is about. Stored and sent as its number or name: values never change.</summary>
public enum AlertScope
{
    /// <summary>One user, named by the alert's subject (a user key).</summary>
    User = 0,

    /// <summary>Every call of the process (latency, error rate, feedback reports).</summary>
    Global = 1,

    /// <summary>One held answer in the human review queue, named by the alert's subject (the review id): <c>review.escalated</c>.</summary>
    Review = 2,
}
