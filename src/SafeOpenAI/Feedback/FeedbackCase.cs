namespace SafeOpenAI;

/// <summary>A feedback report opened by a reviewer, next to the call it is about. Immutable.</summary>
/// <param name="Entry">The stored report.</param>
/// <param name="Comment">The decrypted comment, or <see langword="null"/>.</param>
/// <param name="TriageNote">The decrypted triage note, or <see langword="null"/>.</param>
/// <param name="AuditRecord">The reported call's audit record, or <see langword="null"/> when no <see cref="IAuditRecordReader"/> is registered or it holds none.</param>
/// <param name="Review">The summary of the human review that held the answer, or <see langword="null"/> when it was not held.</param>
public sealed record FeedbackCase(FeedbackEntry Entry, string? Comment, string? TriageNote, AuditRecord? AuditRecord, ReviewSummary? Review);
