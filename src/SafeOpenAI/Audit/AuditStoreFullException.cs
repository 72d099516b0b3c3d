namespace SafeOpenAI;

/// <summary>
/// Thrown by a durable audit sink's <c>WriteAsync</c> (<c>SqliteAuditSink</c>, <c>PostgreSqlAuditSink</c>)
/// under <see cref="AuditQueueFullMode.Fail"/> when its write queue is full. The record was not stored;
/// the pipeline fails the call with this exception, so no record is ever dropped silently.
/// </summary>
public sealed class AuditStoreFullException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public AuditStoreFullException()
        : base("The audit store's write queue is full; the record was not stored.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public AuditStoreFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public AuditStoreFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the queue capacity that was reached, in records; 0 when unknown.</summary>
    public int QueueCapacity { get; init; }
}
