namespace SafeOpenAI.Sqlite.Tests.Review;

/// <summary>Review records, access entries and feedback entries for the store tests.</summary>
internal static class ReviewRecords
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static string Id(int n) => n.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A decided review with every field set (times with sub-millisecond ticks).</summary>
    public static ReviewRecord Full(string id = "0123456789abcdef0123456789abcdef") => new(
        new ReviewSummary(
            ReviewId: id,
            AuditId: "audit-" + id,
            Status: ReviewStatus.Approved,
            ReasonCode: "moderation.review:self-harm",
            RequestedBy: "Moderation",
            RiskDomain: "healthcare",
            SafetyIdentifier: new string('5', 64),
            CreatedAt: T0.AddTicks(1),
            Deadline: T0.AddHours(24).AddTicks(7),
            Escalations: 2,
            ClaimedBy: "carol@example.test",
            ClaimExpiresAt: T0.AddMinutes(15).AddTicks(3),
            Outcome: ReviewOutcome.Edited,
            DecidedBy: "carol@example.test",
            DecidedAt: T0.AddMinutes(9).AddTicks(9)),
        ProtectedMaterial: "v1.1a2b3c4d.bWF0ZXJpYWw=",
        ProtectedAnswer: "v1.1a2b3c4d.YW5zd2Vy",
        ProtectedNote: "v1.1a2b3c4d.bm90ZQ==",
        Version: 1);

    /// <summary>A pending review (version 1) with only the required fields.</summary>
    public static ReviewRecord Pending(string id, DateTimeOffset deadline, string? user = null, string? auditId = null) => new(
        new ReviewSummary(id, auditId ?? "audit-" + id, ReviewStatus.Pending, "review.risk_domain", "RiskDomainReview", null, user, T0, deadline, 0, null, null, null, null, null),
        "v1.1a2b3c4d.cGVuZGluZw==",
        null,
        null,
        1);

    /// <summary>The next version of <paramref name="record"/> with the given status (decided ones get an outcome).</summary>
    public static ReviewRecord Next(ReviewRecord record, ReviewStatus status, string by = "dave@example.test") => record with
    {
        Summary = record.Summary with
        {
            Status = status,
            ClaimedBy = status == ReviewStatus.Claimed ? by : record.Summary.ClaimedBy,
            Outcome = status switch { ReviewStatus.Approved => ReviewOutcome.Approved, ReviewStatus.Rejected => ReviewOutcome.Rejected, _ => record.Summary.Outcome },
            DecidedBy = status is ReviewStatus.Approved or ReviewStatus.Rejected ? by : record.Summary.DecidedBy,
            DecidedAt = status is ReviewStatus.Approved or ReviewStatus.Rejected ? T0.AddHours(1) : record.Summary.DecidedAt,
        },
        ProtectedNote = "v1.1a2b3c4d." + by,
        Version = record.Version + 1,
    };

    /// <summary>A triaged report with every field set.</summary>
    public static FeedbackEntry FullReport(string id = "fedcba9876543210fedcba9876543210") => new(
        ReportId: id,
        AuditId: "audit-7",
        Category: FeedbackCategory.Privacy,
        ProtectedComment: "v1.1a2b3c4d.Y29tbWVudA==",
        ReporterSafetyIdentifier: new string('6', 64),
        ReceivedAt: T0.AddTicks(11),
        Triage: FeedbackTriageStatus.Confirmed,
        TriagedBy: "erin@example.test",
        TriagedAt: T0.AddHours(2).AddTicks(13),
        ProtectedTriageNote: "v1.1a2b3c4d.dHJpYWdl",
        Version: 1);

    /// <summary>An open report (version 1) with only the required fields.</summary>
    public static FeedbackEntry Report(string id, DateTimeOffset receivedAt, string auditId = "audit-1", FeedbackCategory category = FeedbackCategory.Wrong) =>
        new(id, auditId, category, null, null, receivedAt, FeedbackTriageStatus.Open, null, null, null, 1);
}
