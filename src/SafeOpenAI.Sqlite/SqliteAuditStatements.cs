using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace SafeOpenAI.Sqlite;

/// <summary>
/// The writer's statements, prepared once on its connection with SQLite's own API (SQLitePCLRaw, the
/// layer under Microsoft.Data.Sqlite) and bound by position. A Microsoft.Data.Sqlite command looks up
/// every parameter by name and converts every value at each execution; at tens of thousands of records
/// a second that bookkeeping cost more than SQLite's own work. Used by the writer thread only.
/// </summary>
internal sealed class SqliteAuditStatements : IDisposable
{
    private readonly sqlite3 _db;
    private readonly int _busyTimeoutMilliseconds;
    private readonly sqlite3_stmt _begin;
    private readonly sqlite3_stmt _commit;
    private readonly sqlite3_stmt _rollback;
    private readonly sqlite3_stmt _nextId;
    private readonly sqlite3_stmt _insertRecord;
    private readonly sqlite3_stmt _insertVerdict;

    public SqliteAuditStatements(SqliteConnection connection)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");

        // Wait for another writer's lock as long as a Microsoft.Data.Sqlite command would (Default Timeout, 30 s unless set).
        _busyTimeoutMilliseconds = checked(connection.DefaultTimeout * 1000);
        raw.sqlite3_busy_timeout(_db, _busyTimeoutMilliseconds);

        // Each verdict row is written right after its record, under the row id the writer just assigned, in
        // the same transaction: its reference cannot dangle, and checking it cost a lookup per verdict
        // (Microsoft.Data.Sqlite's bundled SQLite enforces foreign keys by default).
        Check(raw.sqlite3_exec(_db, "PRAGMA foreign_keys=OFF;"));

        // The sink's checkpointer copies the WAL back into the database on its own connection (SqliteAuditCheckpointer).
        Check(raw.sqlite3_wal_autocheckpoint(_db, 0));

        // When the WAL starts over, its file is cut back to 64 MiB (SQLite keeps it at its largest size otherwise).
        Check(raw.sqlite3_exec(_db, "PRAGMA journal_size_limit=67108864;"));
        _begin = Prepare("BEGIN IMMEDIATE;");
        _commit = Prepare("COMMIT;");
        _rollback = Prepare("ROLLBACK;");
        _nextId = Prepare("SELECT COALESCE(MAX(id), 0) + 1 FROM audit_records;");
        _insertRecord = Prepare(SqliteAuditColumns.InsertRecordSql);
        _insertVerdict = Prepare(SqliteAuditColumns.InsertVerdictSql);
    }

    /// <summary>Commits <paramref name="rows"/> in one <c>BEGIN IMMEDIATE</c> transaction, or rolls it back and throws.</summary>
    /// <exception cref="SqliteException">A statement failed (for example a duplicate audit id); nothing of the batch is stored.</exception>
    public void Commit(IReadOnlyList<SqliteAuditRow> rows)
    {
        Step(_begin);
        try
        {
            // The write lock is held from BEGIN IMMEDIATE to the commit: no other writer can take these row ids.
            var rc = raw.sqlite3_step(_nextId);
            var id = rc == raw.SQLITE_ROW ? raw.sqlite3_column_int64(_nextId, 0) : 0;
            raw.sqlite3_reset(_nextId);
            Check(rc == raw.SQLITE_ROW ? raw.SQLITE_OK : rc);
            foreach (var row in rows)
            {
                CheckBind(SqliteAuditColumns.BindRecord(_insertRecord, id, row));
                Step(_insertRecord);
                var verdicts = row.Record.VerdictCodes;
                for (var position = 0; position < verdicts.Count; position++)
                {
                    CheckBind(SqliteAuditColumns.BindVerdict(_insertVerdict, id, position, verdicts[position]));
                    Step(_insertVerdict);
                }

                id++;
            }

            Step(_commit);
        }
        catch
        {
            if (raw.sqlite3_get_autocommit(_db) == 0)
            {
                raw.sqlite3_step(_rollback);
                raw.sqlite3_reset(_rollback);
            }

            throw;
        }
    }

    /// <summary>Returns how many pages this connection wrote to the WAL since the last call (SQLITE_DBSTATUS_CACHE_WRITE, reset on read).</summary>
    public int TakePagesWritten()
    {
        const int CacheWrite = 9; // SQLITE_DBSTATUS_CACHE_WRITE, https://www.sqlite.org/c3ref/c_dbstatus_options.html
        return raw.sqlite3_db_status(_db, CacheWrite, out var current, out _, 1) == raw.SQLITE_OK ? current : 0;
    }

    /// <summary>
    /// Copies the rest of the WAL into the database and has the next commit start the WAL from its
    /// beginning, waiting at most 100 ms for readers of older snapshots; fails at once while the
    /// background checkpointer runs (the caller tries again after its next commit).
    /// </summary>
    /// <returns>Whether the checkpoint completed.</returns>
    public bool CheckpointAndRestart()
    {
        raw.sqlite3_busy_timeout(_db, 100);
        try
        {
            return raw.sqlite3_wal_checkpoint_v2(_db, "main", raw.SQLITE_CHECKPOINT_RESTART, out _, out _) == raw.SQLITE_OK;
        }
        finally
        {
            raw.sqlite3_busy_timeout(_db, _busyTimeoutMilliseconds);
        }
    }

    public void Dispose()
    {
        _begin.Dispose();
        _commit.Dispose();
        _rollback.Dispose();
        _nextId.Dispose();
        _insertRecord.Dispose();
        _insertVerdict.Dispose();
    }

    private sqlite3_stmt Prepare(string sql)
    {
        Check(raw.sqlite3_prepare_v3(_db, sql, raw.SQLITE_PREPARE_PERSISTENT, out var statement));
        return statement;
    }

    /// <summary>Runs a statement that returns no rows and resets it (the reset keeps its bindings; every execution rebinds all of them).</summary>
    private void Step(sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        try
        {
            // Thrown before the reset, while the connection still holds this statement's error message.
            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    /// <summary>Throws for failed bindings; <paramref name="rc"/> is the OR of their result codes, the connection holds the first error.</summary>
    private void CheckBind(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(raw.sqlite3_errcode(_db), _db);
        }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
