using System.Globalization;
using Microsoft.Data.Sqlite;

namespace SafeOpenAI.Sqlite;

/// <summary>The versioned schema of the audit database and the migrations that build it. Version numbers only grow.</summary>
internal static class SqliteAuditSchema
{
    /// <summary>The migrations, in order; index + 1 is the version.</summary>
    private static readonly string[] Migrations =
    [
        // Version 1: the records, one row per call, and their verdicts, one row per verdict (queryable by code).
        // Records grow at their end (integer row ids in write order). Verdicts are clustered by code
        // (one b-tree, no separate index) and point at their record by row id; the decisive code is
        // one of them, so "by code" queries of any verdict, decisive or not, use that b-tree.
        """
        CREATE TABLE audit_records (
            id                  INTEGER PRIMARY KEY,
            audit_id            TEXT    NOT NULL UNIQUE,
            timestamp_ticks     INTEGER NOT NULL,
            safety_identifier   TEXT,
            session_hash        TEXT,
            tenant_id           TEXT,
            model               TEXT    NOT NULL,
            outcome             INTEGER NOT NULL,
            input_hash          TEXT    NOT NULL,
            output_hash         TEXT,
            decisive_code       TEXT,
            input_tokens        INTEGER,
            output_tokens       INTEGER,
            cached_input_tokens INTEGER,
            reasoning_tokens    INTEGER,
            cost_usd            TEXT,
            duration_ticks      INTEGER NOT NULL,
            error_type          TEXT,
            verdict_codes       TEXT    NOT NULL,
            stage_durations     TEXT    NOT NULL,
            moderation_scores   TEXT    NOT NULL
        );
        CREATE INDEX ix_audit_records_timestamp ON audit_records (timestamp_ticks);
        CREATE INDEX ix_audit_records_user ON audit_records (safety_identifier, timestamp_ticks);
        CREATE INDEX ix_audit_records_outcome ON audit_records (outcome, timestamp_ticks);
        CREATE TABLE audit_verdicts (
            code      TEXT    NOT NULL,
            record_id INTEGER NOT NULL REFERENCES audit_records (id),
            position  INTEGER NOT NULL,
            stage     TEXT    NOT NULL,
            PRIMARY KEY (code, record_id, position)
        ) WITHOUT ROWID;
        """,

        // Version 2: the review that holds a call's answer, and the call's text when the application
        // opted in (AuditOptions.CaptureContent), encrypted by AuditContentProtector. Rows of version 1
        // read as null. The review index is partial: rows without a review cost it nothing.
        """
        ALTER TABLE audit_records ADD COLUMN review_id TEXT;
        ALTER TABLE audit_records ADD COLUMN encrypted_input TEXT;
        ALTER TABLE audit_records ADD COLUMN encrypted_output TEXT;
        CREATE INDEX ix_audit_records_review ON audit_records (review_id) WHERE review_id IS NOT NULL;
        """,
    ];

    private const string VersionTable = "schema_migrations";

    /// <summary>Gets the newest schema version this library writes.</summary>
    public static int LatestVersion => Migrations.Length;

    /// <summary>
    /// Sets WAL mode and the sync level, then applies every migration the database does not have
    /// yet up to <paramref name="targetVersion"/> (default: <see cref="LatestVersion"/>), in one
    /// transaction. Migrations are never edited once released, so a file built to an older version
    /// here is the file that release wrote.
    /// </summary>
    /// <exception cref="NotSupportedException">The database has a newer schema than this library knows.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="targetVersion"/> is not between 1 and <see cref="LatestVersion"/>.</exception>
    public static void Migrate(SqliteConnection connection, bool syncEveryCommit, int? targetVersion = null)
    {
        var target = targetVersion ?? LatestVersion;
        ArgumentOutOfRangeException.ThrowIfLessThan(target, 1, nameof(targetVersion));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(target, LatestVersion, nameof(targetVersion));
        SqliteMigrator.Execute(connection, "PRAGMA journal_mode=WAL;");
        SqliteMigrator.Execute(connection, syncEveryCommit ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;");

        // 64 MiB of page cache (default 2 MiB): the random-keyed indexes stay in memory longer.
        SqliteMigrator.Execute(connection, "PRAGMA cache_size=-65536;");
        using var transaction = connection.BeginTransaction(deferred: false);
        SqliteMigrator.Apply(connection, transaction, VersionTable, Migrations, target, "audit");
        transaction.Commit();
    }

    /// <summary>Reads the schema version of an audit database (without migrating it).</summary>
    /// <exception cref="SqliteException">The file is not an audit database.</exception>
    public static int ReadVersion(SqliteConnection connection) => SqliteMigrator.ReadVersion(connection, VersionTable);

    /// <summary>Whether the file holds the audit table, that is, whether an audit writer has migrated it.</summary>
    public static bool HasAuditTable(SqliteConnection connection) => SqliteMigrator.HasTable(connection, "audit_records");

    /// <summary>The columns to select from a database of schema <paramref name="version"/>: a file not yet migrated by a newer writer still reads.</summary>
    public static string SelectListFor(int version) => version >= 2 ? SqliteAuditColumns.SelectList : SqliteAuditColumns.SelectListV1;

    /// <summary>Opens a connection to the file named by <paramref name="connectionString"/>, without pooling (the file is released when the connection is disposed).</summary>
    /// <exception cref="ArgumentException">The connection string names no file or an in-memory database.</exception>
    public static SqliteConnection Open(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = false };
        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.Mode == SqliteOpenMode.Memory || builder.DataSource == ":memory:")
        {
            throw new ArgumentException("The audit store needs a database file (for example 'Data Source=audit.db'); in-memory databases are not durable.", nameof(connectionString));
        }

        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return connection;
    }
}
