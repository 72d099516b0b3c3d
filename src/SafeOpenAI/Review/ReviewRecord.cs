namespace SafeOpenAI;

/// <summary>
/// One review as an <see cref="IReviewStore"/> keeps it: the summary's fields in the clear (they hold
/// no user text) and everything a user or reviewer wrote as protected text (AES-256-GCM, see
/// <see cref="AuditContentProtector"/>, with <c>&lt;review id&gt;/&lt;field&gt;</c> as associated data). Immutable; a change
/// is a new record with <see cref="Version"/> + 1, written by <see cref="IReviewStore.TryReplaceAsync"/>.
/// </summary>
/// <param name="Summary">The review's state.</param>
/// <param name="ProtectedMaterial">The <see cref="ReviewMaterial"/> as protected JSON.</param>
/// <param name="ProtectedAnswer">The released answer (approved or edited) as protected text, once approved; otherwise <see langword="null"/>.</param>
/// <param name="ProtectedNote">The reviewer's note as protected text, or <see langword="null"/>.</param>
/// <param name="Version">Starts at 1 and grows by one with each change; the compare-and-set token across processes.</param>
public sealed record ReviewRecord(
    ReviewSummary Summary,
    string ProtectedMaterial,
    string? ProtectedAnswer,
    string? ProtectedNote,
    long Version);
