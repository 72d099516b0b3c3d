using System.Collections.Concurrent;

namespace SafeOpenAI.Tests.Feedback;

/// <summary>An in-test <see cref="IAuditRecordReader"/> over records put on it.</summary>
internal sealed class AuditRecordShelf : IAuditRecordReader
{
    private readonly ConcurrentDictionary<string, AuditRecord> _records = new(StringComparer.Ordinal);

    public AuditRecord Put(AuditRecord record)
    {
        _records[record.AuditId] = record;
        return record;
    }

    public Task<AuditRecord?> GetAsync(string auditId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(auditId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_records.TryGetValue(auditId, out var record) ? record : null);
    }
}
