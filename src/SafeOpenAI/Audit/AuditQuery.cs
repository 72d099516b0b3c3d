namespace SafeOpenAI;

/// <summary>
/// An incident-response filter over a durable audit trail, for the <c>QueryAsync</c> of
/// <c>SqliteAuditStore</c> and <c>PostgreSqlAuditStore</c> (same meaning in both): every set criterion must
/// hold. Results are newest first (by call start, then audit id). Not thread-safe while being changed;
/// immutable use is safe.
/// </summary>
public sealed class AuditQuery
{
    /// <summary>The largest <see cref="Limit"/>: 10,000 records.</summary>
    public const int MaxLimit = 10_000;

    /// <summary>
    /// Gets or sets the hashed end-user id (<see cref="AuditRecord.SafetyIdentifier"/>) to match, or
    /// <see langword="null"/> for any. Hash a user id with <see cref="SafetyHasher.ComputeSafetyIdentifier"/> first.
    /// </summary>
    public string? SafetyIdentifier { get; set; }

    /// <summary>
    /// Gets or sets the id of the human review that holds the call's answer (<see cref="AuditRecord.ReviewId"/>)
    /// to match, or <see langword="null"/> for any. Served by an index of the records that have one.
    /// </summary>
    public string? ReviewId { get; set; }

    /// <summary>Gets or sets the earliest call start to include (inclusive), or <see langword="null"/>.</summary>
    public DateTimeOffset? Since { get; set; }

    /// <summary>Gets or sets the call start to stop before (exclusive), or <see langword="null"/>.</summary>
    public DateTimeOffset? Until { get; set; }

    /// <summary>
    /// Gets or sets a verdict code that one of the record's verdicts must have, or <see langword="null"/>.
    /// An exact code (<c>moderation.flagged:violence</c>) or a code family before a colon
    /// (<c>moderation.flagged</c> matches every <c>moderation.flagged:*</c>). Without the stage name.
    /// </summary>
    public string? VerdictCode { get; set; }

    /// <summary>Gets or sets a value indicating whether only flagged calls are returned (<see cref="AuditOutcome.Blocked"/> or <see cref="AuditOutcome.PendingReview"/>).</summary>
    public bool FlaggedOnly { get; set; }

    /// <summary>Gets or sets the most records returned. Default 100; 1 to <see cref="MaxLimit"/>.</summary>
    public int Limit { get; set; } = 100;
}
