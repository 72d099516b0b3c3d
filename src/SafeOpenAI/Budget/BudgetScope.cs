namespace SafeOpenAI;

/// <summary>Whose spending a <see cref="BudgetLimit"/> counts.</summary>
public enum BudgetScope
{
    /// <summary>One end user, keyed by the hashed safety identifier (anonymous calls share the key <c>anonymous</c>).</summary>
    User,

    /// <summary>One conversation or browser session, keyed by the hashed session id; calls without a session id are not counted.</summary>
    Session,

    /// <summary>One tenant or application (<see cref="SafetyIdentity.TenantId"/>); calls without a tenant id are not counted.</summary>
    Tenant,

    /// <summary>Every call through the tracker, under the single key <c>global</c>.</summary>
    Global,
}
