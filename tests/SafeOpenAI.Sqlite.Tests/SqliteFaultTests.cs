using Microsoft.Data.Sqlite;

namespace SafeOpenAI.Sqlite.Tests;

/// <summary>
/// Faults of the SQLite file under the audit sink: another connection holding the write lock, a full
/// disk, a corrupted write-ahead log. In each, a record is either in the file or its writer got a
/// typed exception: none is dropped silently, and the sink goes on once the fault is gone.
/// </summary>
public class SqliteFaultTests
{
    private const int SqliteBusy = 5;   // https://www.sqlite.org/rescode.html#busy
    private const int SqliteFull = 13;  // https://www.sqlite.org/rescode.html#full
    private const int SqliteNotADatabase = 26; // https://www.sqlite.org/rescode.html#notadb
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Writes_held_up_by_another_writers_lock_are_all_stored_when_the_lock_goes()
    {
        using var db = new TempDatabase();
        await using var sink = new SqliteAuditSink(db.Options()); // waits up to 30 s for a lock (Default Timeout)
        using var other = Open(db);
        using var lockHolder = other.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: the write lock

        var writes = Enumerable.Range(0, 50).Select(i => sink.WriteAsync(Records.Minimal("locked-" + i), CancellationToken.None).AsTask()).ToArray();
        var storedWhileLocked = db.Scalar("SELECT COUNT(*) FROM audit_records"); // WAL: readers are not blocked
        var doneWhileLocked = writes.Count(w => w.IsCompleted);
        lockHolder.Commit();
        await Task.WhenAll(writes).WaitAsync(s_limit);

        Assert.That((storedWhileLocked, doneWhileLocked), Is.EqualTo((0L, 0)), "nothing is written, nor acknowledged, under the other writer's lock");
        Assert.That(await db.Store().CountAsync(CancellationToken.None), Is.EqualTo(50));
    }

    [Test]
    public async Task A_lock_held_past_the_busy_timeout_fails_each_write_with_SQLITE_BUSY_and_the_sink_goes_on_afterwards()
    {
        using var db = new TempDatabase();
        await using var sink = new SqliteAuditSink(db.Options(o => o.ConnectionString += ";Default Timeout=1"));
        using var other = Open(db);
        var lockHolder = other.BeginTransaction(deferred: false);

        var writes = Enumerable.Range(0, 3).Select(i => sink.WriteAsync(Records.Minimal("busy-" + i), CancellationToken.None).AsTask()).ToArray();
        var outcomes = new List<Exception?>();
        foreach (var write in writes)
        {
            outcomes.Add(await Catch(write));
        }

        lockHolder.Rollback();
        lockHolder.Dispose();
        await sink.WriteAsync(Records.Minimal("after-lock"), CancellationToken.None).AsTask().WaitAsync(s_limit);

        Assert.That(outcomes, Has.All.InstanceOf<SqliteException>().With.Property(nameof(SqliteException.SqliteErrorCode)).EqualTo(SqliteBusy),
            "every writer learns that its record was not stored");
        var stored = await db.Store().QueryAsync(new AuditQuery(), CancellationToken.None);
        Assert.That(stored.Select(r => r.AuditId), Is.EqualTo(new[] { "after-lock" }));
    }

    [Test]
    public async Task A_full_disk_fails_the_write_with_SQLITE_FULL_keeps_what_was_acknowledged_and_the_sink_writes_again_once_there_is_room()
    {
        using var db = new TempDatabase();
        await using (new SqliteAuditSink(db.Options()))
        {
        }

        var emptyPages = (int)db.Scalar("PRAGMA page_count");
        await using var sink = new SqliteAuditSink(db.Options(o => o.MaxPageCount = emptyPages + 8));
        var acknowledged = new List<string>();
        SqliteException? full = null;
        for (var i = 0; i < 10_000 && full is null; i++)
        {
            var id = "fill-" + i;
            try
            {
                await sink.WriteAsync(Records.Full(id), CancellationToken.None).AsTask().WaitAsync(s_limit);
                acknowledged.Add(id);
            }
            catch (SqliteException ex)
            {
                full = ex;
            }
        }

        var storedWhenFull = (await db.Store().QueryAsync(new AuditQuery { Limit = AuditQuery.MaxLimit }, CancellationToken.None)).Select(r => r.AuditId).ToArray();
        var secondAttempt = await Catch(sink.WriteAsync(Records.Full("while-full"), CancellationToken.None).AsTask().WaitAsync(s_limit));

        // Room is made the way an operator would: an older part of the log is archived and deleted.
        var purged = acknowledged.Take(acknowledged.Count / 2).ToArray();
        using (var other = Open(db))
        using (var delete = other.CreateCommand())
        {
            delete.CommandText = "DELETE FROM audit_verdicts WHERE record_id IN (SELECT id FROM audit_records WHERE audit_id IN (" + string.Join(',', purged.Select(p => "'" + p + "'")) + "));"
                + "DELETE FROM audit_records WHERE audit_id IN (" + string.Join(',', purged.Select(p => "'" + p + "'")) + ");";
            delete.ExecuteNonQuery();
        }

        await sink.WriteAsync(Records.Full("after-room"), CancellationToken.None).AsTask().WaitAsync(s_limit);

        Assert.That(full, Is.Not.Null, "the page limit was reached");
        Assert.That(full!.SqliteErrorCode, Is.EqualTo(SqliteFull));
        Assert.That(acknowledged, Is.Not.Empty);
        Assert.That(storedWhenFull, Is.EquivalentTo(acknowledged), "every acknowledged record is in the file, and only those");
        Assert.That(secondAttempt, Is.InstanceOf<SqliteException>().With.Property(nameof(SqliteException.SqliteErrorCode)).EqualTo(SqliteFull));
        var final = (await db.Store().QueryAsync(new AuditQuery { Limit = AuditQuery.MaxLimit }, CancellationToken.None)).Select(r => r.AuditId);
        Assert.That(final, Is.EquivalentTo(acknowledged.Except(purged).Append("after-room")));
        Assert.That(db.Text("PRAGMA integrity_check"), Is.EqualTo("ok"));
    }

    [Test]
    public async Task Garbage_in_the_wal_file_of_a_closed_database_is_ignored_committed_records_survive_and_new_ones_are_written()
    {
        using var db = new TempDatabase();
        await using (var sink = new SqliteAuditSink(db.Options()))
        {
            for (var i = 0; i < 20; i++)
            {
                await sink.WriteAsync(Records.Full("before-" + i), CancellationToken.None);
            }
        }

        var garbage = new byte[64 * 1024];
        new Random(12).NextBytes(garbage);
        await File.WriteAllBytesAsync(db.Path + "-wal", garbage);

        await using (var sink = new SqliteAuditSink(db.Options()))
        {
            await sink.WriteAsync(Records.Full("after"), CancellationToken.None).AsTask().WaitAsync(s_limit);
        }

        Assert.That(await db.Store().CountAsync(CancellationToken.None), Is.EqualTo(21));
        Assert.That(await db.Store().GetAsync("before-19", CancellationToken.None), Is.Not.Null);
        Assert.That(await db.Store().GetAsync("after", CancellationToken.None), Is.Not.Null);
        Assert.That(db.Text("PRAGMA integrity_check"), Is.EqualTo("ok"));
    }

    [Test]
    public async Task A_wal_torn_in_its_last_frame_loses_only_the_torn_transaction_and_the_sink_writes_on()
    {
        using var db = new TempDatabase();
        using var image = new TempDatabase();
        await using (var sink = new SqliteAuditSink(db.Options()))
        {
            // One transaction per record (each write awaited); no checkpoint runs this early, so all live in the WAL.
            for (var i = 0; i < 20; i++)
            {
                await sink.WriteAsync(Records.Full("committed-" + i), CancellationToken.None);
            }

            // The files as a crash would leave them, the last frame of the WAL half written.
            File.Copy(db.Path, image.Path);
            File.Copy(db.Path + "-wal", image.Path + "-wal");
        }

        var walLength = new FileInfo(image.Path + "-wal").Length;
        Assert.That(walLength, Is.GreaterThan(32 + 4096 + 24), "the records are in the WAL");
        using (var wal = new FileStream(image.Path + "-wal", FileMode.Open, FileAccess.Write))
        {
            wal.SetLength(walLength - 2048);
        }

        await using (var sink = new SqliteAuditSink(image.Options()))
        {
            await sink.WriteAsync(Records.Full("after"), CancellationToken.None).AsTask().WaitAsync(s_limit);
        }

        var ids = (await image.Store().QueryAsync(new AuditQuery { Limit = AuditQuery.MaxLimit }, CancellationToken.None)).Select(r => r.AuditId);
        Assert.That(ids, Is.EquivalentTo(Enumerable.Range(0, 19).Select(i => "committed-" + i).Append("after")),
            "the transactions whose frames are whole survive; the torn last one is rolled back, as SQLite recovers a WAL");
        Assert.That(image.Text("PRAGMA integrity_check"), Is.EqualTo("ok"));
    }

    [Test]
    public async Task A_database_file_that_is_not_a_database_fails_the_start_with_a_typed_error_naming_the_file()
    {
        using var db = new TempDatabase();
        var garbage = new byte[16 * 1024];
        new Random(7).NextBytes(garbage);
        await File.WriteAllBytesAsync(db.Path, garbage);

        var error = Assert.Throws<SqliteException>(() => new SqliteAuditSink(db.Options()).Dispose());

        Assert.That(error!.SqliteErrorCode, Is.EqualTo(SqliteNotADatabase));
        Assert.That(error.Message, Does.Contain(db.Path), "an operator with several SQLite files knows which one");
    }

    private static SqliteConnection Open(TempDatabase db)
    {
        var connection = new SqliteConnection(db.ConnectionString + ";Pooling=False");
        connection.Open();
        return connection;
    }

    private static async Task<Exception?> Catch(Task task)
    {
        try
        {
            await task.WaitAsync(s_limit);
            return null;
        }
        catch (SqliteException ex)
        {
            return ex;
        }
    }
}
