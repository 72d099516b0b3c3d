namespace SafeOpenAI.Testing;

/// <summary>
/// An <see cref="IAuditSink"/> for tests that keeps every <see cref="AuditRecord"/> in memory, in the
/// order the pipeline wrote them, so a test can assert what the audit trail holds after a call. It reads
/// records back (<see cref="IAuditRecordReader"/>) and answers <see cref="AuditQuery"/> with the same meaning
/// as the durable audit stores, so it stands in for them in tests and runs their contract.
/// </summary>
/// <remarks>Thread-safe; <see cref="Records"/> is a snapshot. Memory grows with every record: for tests only.</remarks>
public sealed class RecordingAuditSink : IAuditSink, IAuditRecordReader
{
    private readonly List<AuditRecord> _records = [];

    /// <summary>Gets a snapshot of the records written so far, oldest first.</summary>
    public IReadOnlyList<AuditRecord> Records
    {
        get
        {
            lock (_records)
            {
                return _records.ToArray();
            }
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    public ValueTask WriteAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_records)
        {
            _records.Add(record);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Returns the first record written with <paramref name="auditId"/>, or <see langword="null"/>.</summary>
    /// <param name="auditId">The audit id.</param>
    /// <param name="cancellationToken">Not used; the read is immediate.</param>
    /// <returns>The record, or <see langword="null"/> when none has that id.</returns>
    /// <exception cref="ArgumentException"><paramref name="auditId"/> is null or empty.</exception>
    public Task<AuditRecord?> GetAsync(string auditId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(auditId);
        return Task.FromResult(Records.FirstOrDefault(r => string.Equals(r.AuditId, auditId, StringComparison.Ordinal)));
    }

    /// <summary>Returns the records matching <paramref name="query"/>, newest first (by call start, then audit id in ordinal order), as the durable stores do.</summary>
    /// <param name="query">The filter.</param>
    /// <param name="cancellationToken">Not used; the query is immediate.</param>
    /// <returns>At most <see cref="AuditQuery.Limit"/> records.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="AuditQuery.Limit"/> is not between 1 and <see cref="AuditQuery.MaxLimit"/>.</exception>
    public Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, AuditQuery.MaxLimit, nameof(query));
        IReadOnlyList<AuditRecord> found = Records
            .Where(r => query.SafetyIdentifier is null || string.Equals(r.SafetyIdentifier, query.SafetyIdentifier, StringComparison.Ordinal))
            .Where(r => query.ReviewId is null || string.Equals(r.ReviewId, query.ReviewId, StringComparison.Ordinal))
            .Where(r => query.Since is not { } since || r.Timestamp.UtcTicks >= since.UtcTicks)
            .Where(r => query.Until is not { } until || r.Timestamp.UtcTicks < until.UtcTicks)
            .Where(r => !query.FlaggedOnly || r.Outcome is AuditOutcome.Blocked or AuditOutcome.PendingReview)
            .Where(r => string.IsNullOrEmpty(query.VerdictCode) || r.VerdictCodes.Any(v => MatchesCode(v, query.VerdictCode)))
            .OrderByDescending(r => r.Timestamp.UtcTicks)
            .ThenByDescending(r => r.AuditId, StringComparer.Ordinal)
            .Take(query.Limit)
            .ToArray();
        return Task.FromResult(found);
    }

    /// <summary>Whether a <c>Stage:code</c> verdict has <paramref name="code"/> or is in that code family (<c>code:*</c>).</summary>
    private static bool MatchesCode(string verdict, string code)
    {
        var colon = verdict.IndexOf(':', StringComparison.Ordinal);
        var own = colon < 0 ? verdict.AsSpan() : verdict.AsSpan(colon + 1);
        return own.SequenceEqual(code) || (own.Length > code.Length && own[code.Length] == ':' && own.StartsWith(code, StringComparison.Ordinal));
    }
}
