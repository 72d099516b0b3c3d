namespace SafeOpenAI;

/// <summary>
/// Reads back one audit record by id: what lets reviewers triage a feedback report next to the
/// call it is about. Implemented by durable audit stores (<c>SqliteAuditStore</c>).
/// </summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface IAuditRecordReader
{
    /// <summary>Reads one record.</summary>
    /// <param name="auditId">The audit id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The record, or <see langword="null"/> when there is none.</returns>
    /// <exception cref="ArgumentException"><paramref name="auditId"/> is null or empty.</exception>
    Task<AuditRecord?> GetAsync(string auditId, CancellationToken cancellationToken);
}
