namespace SafeOpenAI;

/// <summary>Which feedback reports <see cref="FeedbackInbox.ListAsync"/> and <see cref="IFeedbackStore.ListAsync"/> return, newest first.</summary>
public sealed class FeedbackQuery
{
    /// <summary>The most reports one query returns: 10,000.</summary>
    public const int MaxLimit = 10_000;

    /// <summary>Gets or sets the triage status to filter on, or <see langword="null"/> for all. Default: <see cref="FeedbackTriageStatus.Open"/>.</summary>
    public FeedbackTriageStatus? Triage { get; set; } = FeedbackTriageStatus.Open;

    /// <summary>Gets or sets the audit id to filter on, or <see langword="null"/>.</summary>
    public string? AuditId { get; set; }

    /// <summary>Gets or sets the category to filter on, or <see langword="null"/>.</summary>
    public FeedbackCategory? Category { get; set; }

    /// <summary>Gets or sets the most reports returned, 1 to <see cref="MaxLimit"/> (10,000). Default: 100.</summary>
    public int Limit { get; set; } = 100;

    /// <summary>Throws when the query cannot be run.</summary>
    /// <param name="query">The query.</param>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Limit"/> is not between 1 and <see cref="MaxLimit"/>.</exception>
    internal static void Validate(FeedbackQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > MaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.Limit, $"FeedbackQuery.Limit must be between 1 and {MaxLimit}.");
        }
    }
}
