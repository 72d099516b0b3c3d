namespace SafeOpenAI.Testing;

/// <summary>
/// An <see cref="IAuditSink"/> for tests that keeps every <see cref="AuditRecord"/> in memory, in the
/// order the pipeline wrote them, so a test can assert what the audit trail holds after a call.
/// </summary>
/// <remarks>Thread-safe; <see cref="Records"/> is a snapshot. Memory grows with every record: for tests only.</remarks>
public sealed class RecordingAuditSink : IAuditSink
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
}
