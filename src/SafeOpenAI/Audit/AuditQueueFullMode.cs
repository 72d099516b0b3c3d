namespace SafeOpenAI;

/// <summary>
/// What a durable audit sink's <c>WriteAsync</c> does when its bounded write queue is full (its
/// <c>QueueCapacity</c> records waiting for the background writer). Used by <c>SqliteAuditSink</c> and
/// <c>PostgreSqlAuditSink</c>.
/// </summary>
public enum AuditQueueFullMode
{
    /// <summary>The call waits until the writer has made room (back-pressure). The default.</summary>
    Wait = 0,

    /// <summary>The call fails at once with <see cref="AuditStoreFullException"/>; the record is not written and the caller sees the failure.</summary>
    Fail = 1,
}
