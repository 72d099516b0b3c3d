namespace SafeOpenAI;

/// <summary>Whom a <see cref="SafetyAlert"/> is about.</summary>
public enum AlertScope
{
    /// <summary>One user, named by the alert's subject (a user key).</summary>
    User = 0,

    /// <summary>Every call of the process (latency, error rate, feedback reports).</summary>
    Global = 1,
}
