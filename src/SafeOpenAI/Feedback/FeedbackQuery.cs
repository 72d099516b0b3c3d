namespace SafeOpenAI;

/// <summary>Which feedback reports <see cref="FeedbackInbox.ListAsync"/> and <see cref="IFeedbackStore.ListAsync"/> return, newest first.</summary>
public sealed class FeedbackQuery
{
    /// <summary>Gets or sets the triage status to filter on, or <see langword="null"/> for all. Default: <see cref="FeedbackTriageStatus.Open"/>.</summary>
    public FeedbackTriageStatus? Triage { get; set; } = FeedbackTriageStatus.Open;

    /// <summary>Gets or sets the audit id to filter on, or <see langword="null"/>.</summary>
    public string? AuditId { get; set; }

    /// <summary>Gets or sets the category to filter on, or <see langword="null"/>.</summary>
    public FeedbackCategory? Category { get; set; }

    /// <summary>Gets or sets the most reports returned, 1 to 10,000. Default: 100.</summary>
    public int Limit { get; set; } = 100;
}
