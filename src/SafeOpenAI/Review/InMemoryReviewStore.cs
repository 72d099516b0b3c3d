namespace SafeOpenAI;

/// <summary>
/// The in-process <see cref="IReviewStore"/> and <see cref="IReviewAccessLog"/>: reviews and the
/// access log live as long as the process. For one instance, tests and samples; several instances
/// share the SQLite store of <c>SafeOpenAI.Sqlite</c>. Thread-safe.
/// </summary>
public sealed class InMemoryReviewStore : IReviewStore, IReviewAccessLog
{
    /// <inheritdoc />
    public Task AddAsync(ReviewRecord record, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<ReviewRecord?> GetAsync(string reviewId, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<IReadOnlyList<ReviewRecord>> ListAsync(ReviewListQuery query, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<bool> TryReplaceAsync(ReviewRecord updated, long expectedVersion, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task AppendAsync(ReviewAccessEntry entry, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<IReadOnlyList<ReviewAccessEntry>> ListAsync(string subjectId, CancellationToken cancellationToken) => throw new NotImplementedException();
}
