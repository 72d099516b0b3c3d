namespace SafeOpenAI;

/// <summary>
/// Receives one <see cref="AuditRecord"/> per call. The default writes a structured log event
/// (<see cref="LoggerAuditSink"/>); durable stores plug in here.
/// </summary>
/// <remarks>
/// The pipeline awaits the write before the call returns, so a record is never silently lost:
/// when the sink throws, the call fails with that exception (after its budget is settled).
/// Implementations are thread-safe.
/// </remarks>
public interface IAuditSink
{
    /// <summary>Writes one record.</summary>
    /// <param name="record">The record.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the record is accepted by the sink.</returns>
    ValueTask WriteAsync(AuditRecord record, CancellationToken cancellationToken);
}
