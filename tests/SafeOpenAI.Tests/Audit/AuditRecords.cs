namespace SafeOpenAI.Tests.Audit;

/// <summary>The audit records the audit-store tests write: one with every field set at full precision, and minimal ones.</summary>
public static class AuditRecords
{
    /// <summary>The instant the records are made around.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A record with every field set, times and cost at full precision.</summary>
    public static AuditRecord Full(string id) => new()
    {
        AuditId = id,
        Timestamp = T0.AddTicks(1234567),
        SafetyIdentifier = new string('1', 64),
        SessionHash = new string('2', 64),
        TenantId = "tenant-42",
        Model = "gpt-4o-mini",
        Outcome = AuditOutcome.Blocked,
        InputHash = new string('3', 64),
        OutputHash = new string('4', 64),
        VerdictCodes = ["Model:model.completed", "Moderation:moderation.flagged:violence"],
        DecisiveCode = "moderation.flagged:violence",
        Usage = new TokenUsage(1200, 340, 1024, 128),
        CostUsd = 0.000123456789m,
        Duration = TimeSpan.FromTicks(98765432),
        StageDurations =
        [
            new AuditStageDuration("Model", SafetyPhase.Model, TimeSpan.FromTicks(5555555)),
            new AuditStageDuration("Moderation", SafetyPhase.OutputModeration, TimeSpan.FromTicks(111)),
        ],
        ModerationScores =
        [
            new AuditModerationScore(SafetyPhase.InputModeration, "harassment", 0.0123, false),
            new AuditModerationScore(SafetyPhase.OutputModeration, "violence", 0.9731234567, true),
        ],
        ReviewId = "review-7",
        EncryptedInput = "v1.0badc0de.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
        EncryptedOutput = "v1.0badc0de.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB==",
        ErrorType = "System.IO.IOException",
    };

    /// <summary>A record with only the required fields set.</summary>
    public static AuditRecord Minimal(string id, DateTimeOffset? at = null, string? user = null, AuditOutcome outcome = AuditOutcome.Completed, string? reviewId = null, params string[] verdicts) => new()
    {
        AuditId = id,
        Timestamp = at ?? T0,
        SafetyIdentifier = user,
        Model = "gpt-4o-mini",
        Outcome = outcome,
        InputHash = new string('a', 64),
        VerdictCodes = verdicts.Length > 0 ? verdicts : ["Model:model.completed"],
        ReviewId = reviewId,
    };
}
