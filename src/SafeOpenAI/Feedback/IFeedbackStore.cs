namespace SafeOpenAI;

/// <summary>
/// Where feedback reports live: in memory (<see cref="InMemoryFeedbackStore"/>) or in SQLite
/// (<c>SafeOpenAI.Sqlite</c>), safe across processes. <see cref="FeedbackInbox"/> applies the rules
/// (encryption, authorization, the access log); a store only keeps entries and swaps them atomically.
/// </summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface IFeedbackStore
{
    /// <summary>Adds a new report (version 1); returns once it is durable.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes once the entry is stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entry"/> is null.</exception>
    /// <exception cref="InvalidOperationException">A report with the same id exists.</exception>
    Task AddAsync(FeedbackEntry entry, CancellationToken cancellationToken);

    /// <summary>Reads one report.</summary>
    /// <param name="reportId">The report id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entry, or <see langword="null"/>.</returns>
    Task<FeedbackEntry?> GetAsync(string reportId, CancellationToken cancellationToken);

    /// <summary>Lists reports matching a query, newest first.</summary>
    /// <param name="query">The filter.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>At most <see cref="FeedbackQuery.Limit"/> entries.</returns>
    Task<IReadOnlyList<FeedbackEntry>> ListAsync(FeedbackQuery query, CancellationToken cancellationToken);

    /// <summary>Replaces a report if nobody changed it since it was read (compare-and-set on <see cref="FeedbackEntry.Version"/>).</summary>
    /// <param name="updated">The new state, carrying <paramref name="expectedVersion"/> + 1.</param>
    /// <param name="expectedVersion">The version the change was made from.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when replaced; <see langword="false"/> when the stored version moved on.</returns>
    /// <exception cref="ArgumentException"><paramref name="updated"/>'s version is not <paramref name="expectedVersion"/> + 1.</exception>
    Task<bool> TryReplaceAsync(FeedbackEntry updated, long expectedVersion, CancellationToken cancellationToken);
}
