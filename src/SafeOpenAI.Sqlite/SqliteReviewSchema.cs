using System.Globalization;
using Microsoft.Data.Sqlite;

namespace SafeOpenAI.Sqlite;

/// <summary>
/// The versioned schema of the human review tables (<c>review_items</c>, <c>review_access_log</c>,
/// <c>feedback_reports</c>) and the migrations that build it. The versions are kept in their own table,
/// <c>review_schema_migrations</c>, so the tables can live in the audit file without touching the audit
/// schema or its migrations. Version numbers only grow; a released migration is never edited.
/// </summary>
/// <remarks>
/// Times are UTC ticks (100-nanosecond units since 0001-01-01), as in <c>audit_records.timestamp_ticks</c>:
/// exact for every <see cref="DateTimeOffset"/> and ordered as integers. Enumerations are stored as their
/// numbers, which never change. Everything a user or a reviewer wrote is protected text (AES-256-GCM,
/// see <see cref="AuditContentProtector"/>); only ids, status, codes, names, counts and times are in the clear.
/// </remarks>
internal static class SqliteReviewSchema
{
    /// <summary>The migrations, in order; index + 1 is the version.</summary>
    private static readonly string[] Migrations =
    [
        // Version 1. Rows of reviews and reports carry their protected material (kilobytes), so they are
        // rowid tables with the text id unique. Every list is served by an index in its own order:
        // reviews by deadline, then creation and id (open ones by a partial index, so decided reviews
        // cost it nothing), by user and by call; the access log by subject in append order (the row id,
        // which an explicit INTEGER PRIMARY KEY keeps through VACUUM); reports by triage status, by time
        // and by call (with the status, so that a call's open reports are found by two equalities rather
        // than among all open reports), equal times in arrival order (the row id again).
        """
        CREATE TABLE review_items (
            review_id           TEXT    NOT NULL PRIMARY KEY,
            audit_id            TEXT    NOT NULL,
            status              INTEGER NOT NULL,
            reason_code         TEXT    NOT NULL,
            requested_by        TEXT    NOT NULL,
            risk_domain         TEXT,
            safety_identifier   TEXT,
            created_ticks       INTEGER NOT NULL,
            deadline_ticks      INTEGER NOT NULL,
            escalations         INTEGER NOT NULL,
            claimed_by          TEXT,
            claim_expires_ticks INTEGER,
            outcome             INTEGER,
            decided_by          TEXT,
            decided_ticks       INTEGER,
            protected_material  TEXT    NOT NULL,
            protected_answer    TEXT,
            protected_note      TEXT,
            version             INTEGER NOT NULL
        );
        CREATE INDEX ix_review_items_open ON review_items (deadline_ticks, created_ticks, review_id) WHERE status IN (0, 1, 2);
        CREATE INDEX ix_review_items_deadline ON review_items (deadline_ticks, created_ticks, review_id);
        CREATE INDEX ix_review_items_user ON review_items (safety_identifier, deadline_ticks, created_ticks, review_id);
        CREATE INDEX ix_review_items_audit ON review_items (audit_id);
        CREATE TABLE review_access_log (
            id         INTEGER PRIMARY KEY,
            subject_id TEXT    NOT NULL,
            principal  TEXT    NOT NULL,
            action     INTEGER NOT NULL,
            at_ticks   INTEGER NOT NULL
        );
        CREATE INDEX ix_review_access_log_subject ON review_access_log (subject_id);
        CREATE TABLE feedback_reports (
            id                         INTEGER PRIMARY KEY,
            report_id                  TEXT    NOT NULL UNIQUE,
            audit_id                   TEXT    NOT NULL,
            category                   INTEGER NOT NULL,
            protected_comment          TEXT,
            reporter_safety_identifier TEXT,
            received_ticks             INTEGER NOT NULL,
            triage                     INTEGER NOT NULL,
            triaged_by                 TEXT,
            triaged_ticks              INTEGER,
            protected_triage_note      TEXT,
            version                    INTEGER NOT NULL
        );
        CREATE INDEX ix_feedback_reports_triage ON feedback_reports (triage, received_ticks);
        CREATE INDEX ix_feedback_reports_received ON feedback_reports (received_ticks);
        CREATE INDEX ix_feedback_reports_audit ON feedback_reports (audit_id, triage, received_ticks);
        """,
    ];

    /// <summary>The condition of the partial index <c>ix_review_items_open</c>, written exactly as there so that SQLite's planner uses it.</summary>
    public const string OpenCondition = "status IN (0, 1, 2)";

    private const string VersionTable = "review_schema_migrations";

    /// <summary>Gets the newest schema version this library writes.</summary>
    public static int LatestVersion => Migrations.Length;

    /// <summary>
    /// Sets WAL mode, then applies every migration the file does not have yet up to
    /// <paramref name="targetVersion"/> (default: <see cref="LatestVersion"/>) in one <c>BEGIN IMMEDIATE</c>
    /// transaction, so that processes opening a new file at the same time apply each migration once.
    /// </summary>
    /// <exception cref="NotSupportedException">The file has a newer review schema than this library knows.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="targetVersion"/> is not between 1 and <see cref="LatestVersion"/>.</exception>
    /// <exception cref="SqliteException">The file cannot be written.</exception>
    public static void Migrate(SqliteConnection connection, int? targetVersion = null)
    {
        var target = targetVersion ?? LatestVersion;
        ArgumentOutOfRangeException.ThrowIfLessThan(target, 1, nameof(targetVersion));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(target, LatestVersion, nameof(targetVersion));
        SqliteMigrator.Execute(connection, "PRAGMA journal_mode=WAL;");
        using var transaction = connection.BeginTransaction(deferred: false);
        SqliteMigrator.Apply(connection, transaction, VersionTable, Migrations, target, "review");
        transaction.Commit();
    }

    /// <summary>Reads the review schema version of a file: 0 when it has no review tables yet.</summary>
    public static int ReadVersion(SqliteConnection connection, SqliteTransaction? transaction = null) =>
        SqliteMigrator.ReadVersion(connection, VersionTable, transaction);
}
