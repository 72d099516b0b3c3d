using SafeOpenAI.Tests.Audit;

namespace SafeOpenAI.Sqlite.Tests;

internal static class Records
{
    public static readonly DateTimeOffset T0 = AuditRecords.T0;

    /// <summary>A record with every field set.</summary>
    public static AuditRecord Full(string id = "full-1") => AuditRecords.Full(id);

    public static AuditRecord Minimal(string id, DateTimeOffset? at = null, string? user = null, AuditOutcome outcome = AuditOutcome.Completed, params string[] verdicts) =>
        AuditRecords.Minimal(id, at, user, outcome, null, verdicts);
}
