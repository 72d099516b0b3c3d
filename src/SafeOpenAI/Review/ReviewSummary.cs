namespace SafeOpenAI;

/// <summary>
/// What a review queue shows about one held answer without opening it: who, why, when and where
/// it stands. Holds no conversation, answer or source text, so listing it is not a read of the
/// material. Immutable.
/// </summary>
/// <param name="ReviewId">The review's id (32 lowercase hexadecimal characters).</param>
/// <param name="AuditId">The audit id of the call whose answer is held.</param>
/// <param name="Status">Where the review stands.</param>
/// <param name="ReasonCode">The code of the verdict that asked for review, for example <c>review.risk_domain</c> or <c>moderation.review:self-harm</c>.</param>
/// <param name="RequestedBy">The name of the stage that asked for review.</param>
/// <param name="RiskDomain">The risk domain the request declared, or <see langword="null"/>.</param>
/// <param name="SafetyIdentifier">The asking user's safety identifier (hashed), or <see langword="null"/> for anonymous calls.</param>
/// <param name="CreatedAt">When the answer was held (UTC).</param>
/// <param name="Deadline">When the deadline policy applies if nobody decides (UTC).</param>
/// <param name="Escalations">How many times the deadline passed and the review was escalated.</param>
/// <param name="ClaimedBy">The reviewer holding the claim, or <see langword="null"/>.</param>
/// <param name="ClaimExpiresAt">When that claim lapses (UTC), or <see langword="null"/>.</param>
/// <param name="Outcome">The outcome once decided; otherwise <see langword="null"/>.</param>
/// <param name="DecidedBy">Who decided, once decided; otherwise <see langword="null"/>.</param>
/// <param name="DecidedAt">When it was decided (UTC), once decided; otherwise <see langword="null"/>.</param>
public sealed record ReviewSummary(
    string ReviewId,
    string AuditId,
    ReviewStatus Status,
    string ReasonCode,
    string RequestedBy,
    string? RiskDomain,
    string? SafetyIdentifier,
    DateTimeOffset CreatedAt,
    DateTimeOffset Deadline,
    int Escalations,
    string? ClaimedBy,
    DateTimeOffset? ClaimExpiresAt,
    ReviewOutcome? Outcome,
    string? DecidedBy,
    DateTimeOffset? DecidedAt)
{
    /// <summary>Gets whether the review still waits for a decision (<see cref="ReviewStatus.Pending"/>, <see cref="ReviewStatus.Claimed"/> or <see cref="ReviewStatus.Escalated"/>).</summary>
    public bool IsOpen => Status is ReviewStatus.Pending or ReviewStatus.Claimed or ReviewStatus.Escalated;
}
