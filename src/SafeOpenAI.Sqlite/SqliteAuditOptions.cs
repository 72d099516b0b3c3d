namespace SafeOpenAI.Sqlite;

/// <summary>Options of <see cref="SqliteAuditSink"/>, set in code with <c>UseSqliteAudit</c>. Read once, when the sink is created.</summary>
public sealed class SqliteAuditOptions
{
    /// <summary>
    /// Gets or sets the Microsoft.Data.Sqlite connection string, for example <c>Data Source=audit.db</c>
    /// (https://learn.microsoft.com/dotnet/standard/data/sqlite/connection-strings). The file is created
    /// when missing. In-memory databases are not supported (the store is meant to be durable).
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Gets or sets how many records may wait for the writer. Default 10,000; at least 1.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Gets or sets what a write does when <see cref="QueueCapacity"/> records are waiting. Default <see cref="AuditQueueFullMode.Wait"/>.</summary>
    public AuditQueueFullMode WhenFull { get; set; } = AuditQueueFullMode.Wait;

    /// <summary>Gets or sets the most records committed in one transaction. Default 500; at least 1.</summary>
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>
    /// Gets or sets how long the writer waits for more records to fill a batch once it holds one,
    /// when the queue is empty. Default zero: whatever is queued is committed at once (batches form
    /// by themselves under load). At most 1 second. Every waiting caller's call is delayed by it.
    /// </summary>
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Gets or sets a value indicating whether each commit is synced to disk (<c>PRAGMA synchronous=FULL</c>).
    /// Default <see langword="false"/>: <c>synchronous=NORMAL</c> in WAL mode, where a committed record
    /// survives a crash of the process but the last commits may be lost on power loss or an operating
    /// system crash (https://www.sqlite.org/pragma.html#pragma_synchronous). Set it to survive those too, at a
    /// cost in throughput.
    /// </summary>
    public bool SyncEveryCommit { get; set; }

    /// <summary>
    /// Gets or sets, for tests only, the most pages the writer's connection lets the file hold
    /// (<c>PRAGMA max_page_count</c>, a per-connection limit), so that a test fills the "disk" without
    /// a small file system; <see langword="null"/> (always in production) keeps SQLite's limit.
    /// </summary>
    internal int? MaxPageCount { get; set; }

    /// <summary>Gets or sets the WAL pages after which a background checkpoint starts (tests make it small).</summary>
    internal int WalCheckpointPages { get; set; } = SqliteAuditCheckpointer.CheckpointPages;

    /// <summary>Gets or sets the WAL pages at which the writer checkpoints itself (tests make it small).</summary>
    internal int MaxWalPages { get; set; } = SqliteAuditCheckpointer.MaxWalPages;
}
