namespace SafeOpenAI.Sqlite;

/// <summary>
/// Options of <see cref="SqliteReviewStore"/> and <see cref="SqliteFeedbackStore"/>, set in code with
/// <c>UseSqliteHumanReview</c>. Read once, when a store is created. Not thread-safe while being changed.
/// </summary>
public sealed class SqliteHumanReviewOptions
{
    /// <summary>
    /// Gets or sets the Microsoft.Data.Sqlite connection string, for example <c>Data Source=review.db</c>
    /// (https://learn.microsoft.com/dotnet/standard/data/sqlite/connection-strings). The file is created
    /// when missing and may be the audit file (<c>UseSqliteAudit</c>): the review tables have their own
    /// schema version table. In-memory databases are refused: the store is meant to be durable and
    /// shared by processes. <c>Default Timeout</c> (seconds, default 30) bounds how long an operation
    /// waits for another process's write lock.
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets a value indicating whether each commit is synced to disk (<c>PRAGMA synchronous=FULL</c>).
    /// Default <see langword="false"/>: <c>synchronous=NORMAL</c> in WAL mode, as the audit store, where a
    /// committed review, decision, log entry or report survives a crash of the process, but the last commits
    /// may be lost on power loss or an operating-system crash (https://www.sqlite.org/pragma.html#pragma_synchronous).
    /// </summary>
    public bool SyncEveryCommit { get; set; }
}
