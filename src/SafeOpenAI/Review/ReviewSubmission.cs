namespace SafeOpenAI;

/// <summary>
/// A held answer handed to <see cref="IHumanReviewQueue.SubmitAsync"/> by the pipeline (or by an
/// application that holds answers itself). Immutable.
/// </summary>
/// <param name="AuditId">The audit id of the call whose answer is held.</param>
/// <param name="SafetyIdentifier">The asking user's safety identifier (hashed), or <see langword="null"/>.</param>
/// <param name="RiskDomain">The risk domain the request declared, or <see langword="null"/>.</param>
/// <param name="Reason">The verdict that asked for review (its action is <see cref="SafetyAction.Review"/>).</param>
/// <param name="Material">What the reviewer needs; stored encrypted.</param>
public sealed record ReviewSubmission(
    string AuditId,
    string? SafetyIdentifier,
    string? RiskDomain,
    SafetyVerdict Reason,
    ReviewMaterial Material);
