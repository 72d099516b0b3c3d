using System.Collections.Concurrent;

namespace SafeOpenAI;

/// <summary>
/// The in-process <see cref="IFeedbackStore"/>: reports live as long as the process. For one
/// instance, tests and samples; several instances share the SQLite store of <c>SafeOpenAI.Sqlite</c>.
/// </summary>
/// <remarks>
/// Thread-safe. <see cref="TryReplaceAsync"/> is an exact compare-and-set: of concurrent
/// replacements made from the same version, exactly one succeeds. <see cref="ListAsync"/> scans
/// every report (O(n log n)); reports received at the same instant are listed in reverse order of
/// arrival.
/// </remarks>
public sealed class InMemoryFeedbackStore : IFeedbackStore
{
    private readonly ConcurrentDictionary<string, Slot> _entries = new(StringComparer.Ordinal);
    private long _arrivals;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The entry's report id or audit id is empty, or its version is not 1.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task AddAsync(FeedbackEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ValidateIds(entry, nameof(entry));
        if (entry.Version != 1)
        {
            throw new ArgumentException($"A new feedback report starts at version 1; report '{entry.ReportId}' has version {entry.Version}.", nameof(entry));
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (!_entries.TryAdd(entry.ReportId, new Slot(entry, Interlocked.Increment(ref _arrivals))))
        {
            throw new InvalidOperationException($"A feedback report with id '{entry.ReportId}' exists already.");
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="reportId"/> is null or empty.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<FeedbackEntry?> GetAsync(string reportId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reportId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_entries.TryGetValue(reportId, out var slot) ? slot.Entry : null);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="FeedbackQuery.Limit"/> is not between 1 and 10,000.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<IReadOnlyList<FeedbackEntry>> ListAsync(FeedbackQuery query, CancellationToken cancellationToken)
    {
        FeedbackQuery.Validate(query);
        cancellationToken.ThrowIfCancellationRequested();
        var triage = query.Triage;
        var auditId = query.AuditId;
        var category = query.Category;
        IReadOnlyList<FeedbackEntry> entries = _entries.Values
            .Where(s => (triage is null || s.Entry.Triage == triage)
                && (auditId is null || string.Equals(s.Entry.AuditId, auditId, StringComparison.Ordinal))
                && (category is null || s.Entry.Category == category))
            .OrderByDescending(s => s.Entry.ReceivedAt)
            .ThenByDescending(s => s.Arrival)
            .Take(query.Limit)
            .Select(s => s.Entry)
            .ToArray();
        return Task.FromResult(entries);
    }

    /// <inheritdoc />
    /// <remarks>Returns <see langword="false"/> as well when there is no report with the entry's id.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="updated"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="updated"/>'s version is not <paramref name="expectedVersion"/> + 1, or its report id or audit id is empty.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<bool> TryReplaceAsync(FeedbackEntry updated, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updated);
        ValidateIds(updated, nameof(updated));
        if (updated.Version != expectedVersion + 1)
        {
            throw new ArgumentException($"The replacement of feedback report '{updated.ReportId}' must carry version {expectedVersion + 1} (the expected version + 1), not {updated.Version}.", nameof(updated));
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (!_entries.TryGetValue(updated.ReportId, out var current) || current.Entry.Version != expectedVersion)
        {
            return Task.FromResult(false);
        }

        // Slots compare by reference, so this swaps only if no other replacement landed since the read.
        return Task.FromResult(_entries.TryUpdate(updated.ReportId, new Slot(updated, current.Arrival), current));
    }

    private static void ValidateIds(FeedbackEntry entry, string paramName)
    {
        if (string.IsNullOrEmpty(entry.ReportId))
        {
            throw new ArgumentException("The feedback entry has no report id.", paramName);
        }

        if (string.IsNullOrEmpty(entry.AuditId))
        {
            throw new ArgumentException($"Feedback report '{entry.ReportId}' has no audit id.", paramName);
        }
    }

    /// <summary>One stored entry and its arrival number, which orders reports received at the same instant.</summary>
    private sealed class Slot(FeedbackEntry entry, long arrival)
    {
        public FeedbackEntry Entry { get; } = entry;

        public long Arrival { get; } = arrival;
    }
}
