namespace SafeOpenAI;

/// <summary>
/// The in-process <see cref="IReviewStore"/> and <see cref="IReviewAccessLog"/>: reviews and the
/// access log live as long as the process. For one instance, tests and samples; several instances
/// share the SQLite store of <c>SafeOpenAI.Sqlite</c>. Thread-safe: one lock guards the reviews and
/// the log, so a compare-and-set is exact.
/// </summary>
public sealed class InMemoryReviewStore : IReviewStore, IReviewAccessLog
{
    private readonly object _gate = new();
    private readonly Dictionary<string, ReviewRecord> _reviews = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<ReviewAccessEntry>> _log = new(StringComparer.Ordinal);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The record's review id is empty, or its version is not 1.</exception>
    public Task AddAsync(ReviewRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(record.Summary, nameof(record) + "." + nameof(record.Summary));
        ArgumentException.ThrowIfNullOrEmpty(record.Summary.ReviewId, nameof(record) + ".Summary.ReviewId");
        if (record.Version != 1)
        {
            throw new ArgumentException($"A new review starts at version 1 (review '{record.Summary.ReviewId}' has version {record.Version}).", nameof(record));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        lock (_gate)
        {
            if (!_reviews.TryAdd(record.Summary.ReviewId, record))
            {
                return Task.FromException(new InvalidOperationException($"A review with id '{record.Summary.ReviewId}' exists."));
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="reviewId"/> is null or empty.</exception>
    public Task<ReviewRecord?> GetAsync(string reviewId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reviewId);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<ReviewRecord?>(cancellationToken);
        }

        lock (_gate)
        {
            return Task.FromResult(_reviews.GetValueOrDefault(reviewId));
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ReviewListQuery.Limit"/> is not 1 to 10,000.</exception>
    public Task<IReadOnlyList<ReviewRecord>> ListAsync(ReviewListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ReviewStoreQueries.ThrowIfInvalid(query);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IReadOnlyList<ReviewRecord>>(cancellationToken);
        }

        ReviewRecord[] all;
        lock (_gate)
        {
            all = [.. _reviews.Values];
        }

        IReadOnlyList<ReviewRecord> matching = all
            .Where(r => ReviewStoreQueries.Matches(query, r.Summary))
            .OrderBy(r => r.Summary.Deadline)
            .ThenBy(r => r.Summary.CreatedAt)
            .ThenBy(r => r.Summary.ReviewId, StringComparer.Ordinal)
            .Take(query.Limit)
            .ToArray();
        return Task.FromResult(matching);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="updated"/> is null.</exception>
    public Task<bool> TryReplaceAsync(ReviewRecord updated, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updated);
        ArgumentNullException.ThrowIfNull(updated.Summary, nameof(updated) + "." + nameof(updated.Summary));
        if (updated.Version != expectedVersion + 1)
        {
            throw new ArgumentException($"The replacement of review '{updated.Summary.ReviewId}' must carry version {expectedVersion + 1} (the expected version + 1), not {updated.Version}.", nameof(updated));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<bool>(cancellationToken);
        }

        lock (_gate)
        {
            if (!_reviews.TryGetValue(updated.Summary.ReviewId, out var stored) || stored.Version != expectedVersion)
            {
                return Task.FromResult(false);
            }

            _reviews[updated.Summary.ReviewId] = updated;
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task AppendAsync(ReviewAccessEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(entry.SubjectId, nameof(entry) + "." + nameof(entry.SubjectId));
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        lock (_gate)
        {
            if (!_log.TryGetValue(entry.SubjectId, out var entries))
            {
                _log[entry.SubjectId] = entries = [];
            }

            entries.Add(entry);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReviewAccessEntry>> ListAsync(string subjectId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IReadOnlyList<ReviewAccessEntry>>(cancellationToken);
        }

        lock (_gate)
        {
            IReadOnlyList<ReviewAccessEntry> entries = _log.TryGetValue(subjectId, out var list) ? [.. list] : [];
            return Task.FromResult(entries);
        }
    }
}
