namespace SafeOpenAI;

/// <summary>Which reviews <see cref="IHumanReviewQueue.ListAsync"/> and <see cref="IReviewStore.ListAsync"/> return, oldest deadline first.</summary>
public sealed class ReviewListQuery
{
    /// <summary>Gets or sets whether only open reviews (pending, claimed or escalated) are returned. Default: <see langword="true"/>.</summary>
    public bool OpenOnly { get; set; } = true;

    /// <summary>Gets or sets the asking user's safety identifier to filter on, or <see langword="null"/> for every user.</summary>
    public string? SafetyIdentifier { get; set; }

    /// <summary>Gets or sets the audit id to filter on, or <see langword="null"/>.</summary>
    public string? AuditId { get; set; }

    /// <summary>Gets or sets an upper bound (exclusive, UTC) on the deadline: only reviews due before it. <see langword="null"/> for no bound.</summary>
    public DateTimeOffset? DueBefore { get; set; }

    /// <summary>Gets or sets the most reviews returned, 1 to 10,000. Default: 100.</summary>
    public int Limit { get; set; } = 100;
}
