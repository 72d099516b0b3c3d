namespace SafeOpenAI.Sqlite;

/// <summary>
/// Thrown by <see cref="SqliteAuditSink.WriteAsync"/> under <see cref="SqliteAuditFullMode.Fail"/>
/// when the write queue is full. The record was not stored; the pipeline fails the call with this
/// exception, so no record is ever dropped silently.
/// </summary>
public sealed class AuditStoreFullException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public AuditStoreFullException()
        : base("The SQLite audit store's write queue is full; the record was not stored.")
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
