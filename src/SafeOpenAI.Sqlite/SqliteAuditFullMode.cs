namespace SafeOpenAI.Sqlite;

/// <summary>What <see cref="SqliteAuditSink.WriteAsync"/> does when its write queue is full (<see cref="SqliteAuditOptions.QueueCapacity"/> records waiting).</summary>
public enum SqliteAuditFullMode
{
    /// <summary>The call waits until the writer has made room (back-pressure). The default.</summary>
    Wait = 0,

    /// <summary>The call fails at once with <see cref="AuditStoreFullException"/>; the record is not written and the caller sees the failure.</summary>
    Fail = 1,
}
