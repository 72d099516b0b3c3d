namespace SafeOpenAI;

/// <summary>
/// One feedback report as an <see cref="IFeedbackStore"/> keeps it: the comment and the triage note
/// as protected text (AES-256-GCM with <c>&lt;report id&gt;/&lt;field&gt;</c> as associated data, see
/// <see cref="AuditContentProtector"/>). Immutable; a change is a new entry with
/// <see cref="Version"/> + 1, written by <see cref="IFeedbackStore.TryReplaceAsync"/>.
/// </summary>
/// <param name="ReportId">The report's id.</param>
/// <param name="AuditId">The audit id of the reported answer.</param>
/// <param name="Category">What the user says is wrong.</param>
/// <param name="ProtectedComment">The comment as protected text, or <see langword="null"/>.</param>
/// <param name="ReporterSafetyIdentifier">The reporter's safety identifier, or <see langword="null"/>.</param>
/// <param name="ReceivedAt">When it was stored (UTC).</param>
/// <param name="Triage">Where it stands with reviewers.</param>
/// <param name="TriagedBy">The reviewer who triaged it, or <see langword="null"/>.</param>
/// <param name="TriagedAt">When (UTC), or <see langword="null"/>.</param>
/// <param name="ProtectedTriageNote">The reviewer's note as protected text, or <see langword="null"/>.</param>
/// <param name="Version">Starts at 1 and grows by one with each change.</param>
public sealed record FeedbackEntry(
    string ReportId,
    string AuditId,
    FeedbackCategory Category,
    string? ProtectedComment,
    string? ReporterSafetyIdentifier,
    DateTimeOffset ReceivedAt,
    FeedbackTriageStatus Triage,
    string? TriagedBy,
    DateTimeOffset? TriagedAt,
    string? ProtectedTriageNote,
    long Version);
