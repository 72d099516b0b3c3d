namespace SafeOpenAI;

/// <summary>
/// Where held answers live: in memory (<see cref="InMemoryReviewStore"/>) or in SQLite
/// (<c>SafeOpenAI.Sqlite</c>), safe across processes. The <see cref="HumanReviewQueue"/> applies
/// every rule (authorization, claims, deadlines, encryption, the access log); a store only keeps
/// records and swaps them atomically.
/// </summary>
/// <remarks>Implementations are thread-safe, and a durable store is safe across processes sharing it.</remarks>
public interface IReviewStore
{
    /// <summary>Adds a new review (its <see cref="ReviewRecord.Version"/> is 1).</summary>
    /// <param name="record">The record.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes once the record is durable.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    /// <exception cref="InvalidOperationException">A review with the same id exists.</exception>
    Task AddAsync(ReviewRecord record, CancellationToken cancellationToken);

    /// <summary>Reads one review.</summary>
    /// <param name="reviewId">The review id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The record, or <see langword="null"/> when there is none.</returns>
    Task<ReviewRecord?> GetAsync(string reviewId, CancellationToken cancellationToken);

    /// <summary>Lists reviews matching a query, earliest deadline first.</summary>
    /// <param name="query">The filter.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>At most <see cref="ReviewListQuery.Limit"/> records.</returns>
    Task<IReadOnlyList<ReviewRecord>> ListAsync(ReviewListQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a review if nobody changed it since it was read: compare-and-set on
    /// <see cref="ReviewRecord.Version"/>. <paramref name="updated"/> carries
    /// <paramref name="expectedVersion"/> + 1.
    /// </summary>
    /// <param name="updated">The new state.</param>
    /// <param name="expectedVersion">The version the change was made from.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when replaced; <see langword="false"/> when the stored version is no longer <paramref name="expectedVersion"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="updated"/>'s version is not <paramref name="expectedVersion"/> + 1.</exception>
    Task<bool> TryReplaceAsync(ReviewRecord updated, long expectedVersion, CancellationToken cancellationToken);
}
