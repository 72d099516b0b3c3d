namespace SafeOpenAI.Samples.WebApp.Chat;

/// <summary>
/// One question of a visitor's conversation and what became of it. Immutable: a change (a review
/// decision, a report) is a new entry with the same <see cref="Id"/>. Kept in memory only, for the
/// visitor's own page; the durable trail is the audit record (<see cref="AuditId"/>), which holds
/// no text.
/// </summary>
/// <param name="Id">The entry's id (32 lowercase hexadecimal characters), used by the report form.</param>
/// <param name="TopicLabel">The label of the topic the question was asked under.</param>
/// <param name="Question">The question as the visitor typed it.</param>
/// <param name="AskedAt">When it was asked (UTC).</param>
/// <param name="Status">Where it stands.</param>
public sealed record ChatEntry(string Id, string TopicLabel, string Question, DateTimeOffset AskedAt, ChatEntryStatus Status)
{
    /// <summary>Gets the call's audit id, which reports refer to; <see langword="null"/> when the call failed before it was audited.</summary>
    public string? AuditId { get; init; }

    /// <summary>Gets the text shown as the answer (<see cref="ChatEntryStatus.Answered"/> or <see cref="ChatEntryStatus.Released"/>), or <see langword="null"/>.</summary>
    public string? Answer { get; init; }

    /// <summary>Gets the id of the review holding the answer, or <see langword="null"/> when it was not held.</summary>
    public string? ReviewId { get; init; }

    /// <summary>Gets the code of the verdict that blocked the call, or <see langword="null"/>.</summary>
    public string? VerdictCode { get; init; }

    /// <summary>Gets the message shown for a blocked or failed call, or <see langword="null"/>.</summary>
    public string? Notice { get; init; }

    /// <summary>Gets how the review ended, once decided; otherwise <see langword="null"/>.</summary>
    public ReviewOutcome? ReviewOutcome { get; init; }

    /// <summary>Gets the reviewer's note, once decided; the sample shows it to the visitor. Otherwise <see langword="null"/>.</summary>
    public string? ReviewNote { get; init; }

    /// <summary>Gets the id of the visitor's report about this answer, or <see langword="null"/> when not reported.</summary>
    public string? ReportId { get; init; }

    /// <summary>Gets whether the entry shows an answer the visitor can report.</summary>
    public bool HasAnswer => Status is ChatEntryStatus.Answered or ChatEntryStatus.Released && Answer is not null;
}
