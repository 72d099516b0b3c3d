using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace SafeOpenAI.Sqlite.Tests;

public class SqliteAuditSinkTests
{
    [Test]
    public async Task Every_field_survives_the_round_trip()
    {
        using var db = new TempDatabase();
        var record = Records.Full();
        await using (var sink = new SqliteAuditSink(db.Options()))
        {
            await sink.WriteAsync(record, CancellationToken.None);
        }

        var read = await db.Store().GetAsync(record.AuditId, CancellationToken.None);

        Assert.That(JsonSerializer.Serialize(read), Is.EqualTo(JsonSerializer.Serialize(record)));
        Assert.That(read!.CostUsd, Is.EqualTo(0.000123456789m));
        Assert.That(read.ModerationScores[1].Score, Is.EqualTo(0.9731234567));
    }

    [Test]
    public async Task Absent_fields_stay_absent()
    {
        using var db = new TempDatabase();
        var record = Records.Minimal("min-1");
        await using (var sink = new SqliteAuditSink(db.Options()))
        {
            await sink.WriteAsync(record, CancellationToken.None);
        }

        var read = (await db.Store().GetAsync("min-1", CancellationToken.None))!;

        Assert.That(JsonSerializer.Serialize(read), Is.EqualTo(JsonSerializer.Serialize(record)));
        Assert.That((read.Usage, read.CostUsd, read.SafetyIdentifier, read.TenantId, read.OutputHash), Is.EqualTo(((TokenUsage?)null, (decimal?)null, (string?)null, (string?)null, (string?)null)));
        Assert.That(await db.Store().GetAsync("other", CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Empty_texts_stay_empty_and_a_verdict_without_a_stage_keeps_its_code()
    {
        using var db = new TempDatabase();
        var record = new AuditRecord
        {
            AuditId = "empty-1",
            Timestamp = Records.T0,
            TenantId = string.Empty,
            Model = string.Empty,
            Outcome = AuditOutcome.Completed,
            InputHash = string.Empty,
            VerdictCodes = ["bare.code", "Stage:"],
            EncryptedInput = string.Empty,
        };
        await using (var sink = new SqliteAuditSink(db.Options()))
        {
            await sink.WriteAsync(record, CancellationToken.None);
        }

        var read = (await db.Store().GetAsync("empty-1", CancellationToken.None))!;

        Assert.That(JsonSerializer.Serialize(read), Is.EqualTo(JsonSerializer.Serialize(record)));
        Assert.That(db.Text("SELECT group_concat(quote(stage) || '/' || quote(code), ' ') FROM (SELECT * FROM audit_verdicts ORDER BY position)"), Is.EqualTo("''/'bare.code' 'Stage'/''"));
        Assert.That(db.Scalar("SELECT COUNT(*) FROM audit_records WHERE tenant_id = '' AND model = '' AND encrypted_input = ''"), Is.EqualTo(1));
    }

    [Test]
    public async Task Ten_thousand_concurrent_writes_are_all_stored_in_batches()
    {
        using var db = new TempDatabase();
        await using var sink = new SqliteAuditSink(db.Options());

        await Task.WhenAll(Enumerable.Range(0, 10_000).Select(i => Task.Run(async () => await sink.WriteAsync(Records.Minimal("c-" + i), CancellationToken.None))));

        Assert.That(await db.Store().CountAsync(CancellationToken.None), Is.EqualTo(10_000));
        Assert.That(db.Scalar("SELECT COUNT(DISTINCT record_id) FROM audit_verdicts"), Is.EqualTo(10_000));
        Assert.That(sink.CommittedTransactions, Is.LessThan(10_000), "records share transactions");
    }

    [Test]
    public async Task A_write_returns_only_after_its_record_is_committed()
    {
        using var db = new TempDatabase();
        await using var sink = new SqliteAuditSink(db.Options());

        for (var i = 0; i < 20; i++)
        {
            await sink.WriteAsync(Records.Minimal("seq-" + i), CancellationToken.None);

            // Read through another connection: only committed rows are visible there.
            Assert.That(db.Scalar("SELECT COUNT(*) FROM audit_records"), Is.EqualTo(i + 1));
        }
    }

    [Test]
    public async Task When_full_under_Fail_the_overflowing_writes_throw_and_the_accepted_ones_are_stored()
    {
        using var db = new TempDatabase();
        await using var sink = new SqliteAuditSink(db.Options(o => (o.QueueCapacity, o.MaxBatchSize, o.WhenFull) = (2, 1, AuditQueueFullMode.Fail)));
        var writes = new List<Task>();
        using (LockDatabase(db))
        {
            // The writer cannot commit while another connection holds the write lock: at most one
            // record is in its hands and two wait in the queue.
            for (var i = 0; i < 6; i++)
            {
                writes.Add(sink.WriteAsync(Records.Minimal("f-" + i), CancellationToken.None).AsTask());
            }

            Assert.That(writes.Count(w => w.IsFaulted), Is.InRange(3, 4));
            Assert.That(writes.Where(w => w.IsFaulted).Select(w => w.Exception!.InnerException), Is.All.InstanceOf<AuditStoreFullException>());
            Assert.That(writes.Any(w => w.IsCompletedSuccessfully), Is.False);
        }

        var accepted = writes.Where(w => !w.IsFaulted).ToList();
        await Task.WhenAll(accepted);
        Assert.That(await db.Store().CountAsync(CancellationToken.None), Is.EqualTo(accepted.Count));
        var full = (AuditStoreFullException)writes.First(w => w.IsFaulted).Exception!.InnerException!;
        Assert.That(full.QueueCapacity, Is.EqualTo(2));
    }

    [Test]
    public async Task When_full_under_Wait_writes_wait_for_room_and_all_are_stored()
    {
        using var db = new TempDatabase();
        await using var sink = new SqliteAuditSink(db.Options(o => o.QueueCapacity = 2));
        var writes = new List<Task>();
        using (LockDatabase(db))
        {
            for (var i = 0; i < 6; i++)
            {
                writes.Add(sink.WriteAsync(Records.Minimal("w-" + i), CancellationToken.None).AsTask());
            }

            Assert.That(writes.Any(w => w.IsCompleted), Is.False);
        }

        await Task.WhenAll(writes);
        Assert.That(await db.Store().CountAsync(CancellationToken.None), Is.EqualTo(6));
    }

    [Test]
    public async Task Dispose_flushes_every_queued_record_and_later_writes_throw()
    {
        using var db = new TempDatabase();
        var sink = new SqliteAuditSink(db.Options());
        var writes = Enumerable.Range(0, 2_000).Select(i => sink.WriteAsync(Records.Minimal("d-" + i), CancellationToken.None).AsTask()).ToList();

        await sink.DisposeAsync();

        // Counted before the writers' continuations are awaited: the records are in the file when DisposeAsync returns.
        Assert.That(await db.Store().CountAsync(CancellationToken.None), Is.EqualTo(2_000));
        await Task.WhenAll(writes);
        Assert.ThrowsAsync<ObjectDisposedException>(async () => await sink.WriteAsync(Records.Minimal("late"), CancellationToken.None));
        await sink.DisposeAsync();
    }

    [Test]
    public async Task A_duplicate_audit_id_fails_only_its_own_write()
    {
        using var db = new TempDatabase();
        await using var sink = new SqliteAuditSink(db.Options());
        await sink.WriteAsync(Records.Minimal("dup"), CancellationToken.None);
        var writes = new[] { "a", "dup", "b", "c" }.Select(id => sink.WriteAsync(Records.Minimal(id), CancellationToken.None).AsTask()).ToArray();

        Assert.ThrowsAsync<SqliteException>(() => writes[1]);
        await Task.WhenAll(writes[0], writes[2], writes[3]);
        Assert.That(await db.Store().CountAsync(CancellationToken.None), Is.EqualTo(4));
    }

    [Test]
    public async Task Reopening_migrates_once_and_keeps_the_records()
    {
        using var db = new TempDatabase();
        for (var session = 0; session < 3; session++)
        {
            await using var sink = new SqliteAuditSink(db.Options());
            await sink.WriteAsync(Records.Minimal("r-" + session), CancellationToken.None);
        }

        Assert.That(db.Scalar("SELECT COUNT(*) FROM schema_migrations"), Is.EqualTo(2));
        Assert.That(db.Scalar("SELECT MAX(version) FROM schema_migrations"), Is.EqualTo(2));
        Assert.That(await db.Store().CountAsync(CancellationToken.None), Is.EqualTo(3));
        Assert.That(db.Text("PRAGMA journal_mode"), Is.EqualTo("wal"));
    }

    [Test]
    public void A_database_from_a_newer_version_is_refused()
    {
        using var db = new TempDatabase();
        new SqliteAuditSink(db.Options()).Dispose();
        db.Scalar("INSERT INTO schema_migrations (version, applied_utc) VALUES (99, 'later'); SELECT 0;");

        Assert.Throws<NotSupportedException>(() => new SqliteAuditSink(db.Options()));
    }

    [TestCase("Data Source=:memory:")]
    [TestCase("Data Source=audit;Mode=Memory")]
    [TestCase("Mode=ReadWriteCreate")]
    public void Non_durable_databases_are_refused(string connectionString)
    {
        Assert.Throws<ArgumentException>(() => new SqliteAuditSink(new SqliteAuditOptions { ConnectionString = connectionString }));
    }

    [Test]
    public void Out_of_range_options_are_refused()
    {
        using var db = new TempDatabase();
        Assert.Throws<ArgumentException>(() => new SqliteAuditSink(db.Options(o => o.QueueCapacity = 0)));
        Assert.Throws<ArgumentException>(() => new SqliteAuditSink(db.Options(o => o.MaxBatchSize = 0)));
        Assert.Throws<ArgumentException>(() => new SqliteAuditSink(db.Options(o => o.MaxBatchDelay = TimeSpan.FromSeconds(2))));
        Assert.Throws<ArgumentException>(() => new SqliteAuditSink(new SqliteAuditOptions()));
    }

    [Test]
    public async Task A_batch_delay_still_commits_every_record()
    {
        using var db = new TempDatabase();
        await using var sink = new SqliteAuditSink(db.Options(o => (o.MaxBatchDelay, o.MaxBatchSize) = (TimeSpan.FromMilliseconds(5), 50)));

        await Task.WhenAll(Enumerable.Range(0, 500).Select(i => sink.WriteAsync(Records.Minimal("bd-" + i), CancellationToken.None).AsTask()));

        Assert.That(await db.Store().CountAsync(CancellationToken.None), Is.EqualTo(500));
        Assert.That(sink.CommittedTransactions, Is.GreaterThanOrEqualTo(10), "at most 50 records per transaction");
    }

    [Test]
    public async Task Checkpoints_copy_the_WAL_into_the_database_while_the_sink_runs_and_keep_the_WAL_small()
    {
        using var db = new TempDatabase();
        await using var sink = new SqliteAuditSink(db.Options(o => (o.WalCheckpointPages, o.MaxWalPages) = (64, 256)));

        // About 30 MB of pages: without checkpoints the database file would stay at its first pages and the WAL would hold them all.
        for (var round = 0; round < 20; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 1_000).Select(i => sink.WriteAsync(Records.Full("cp-" + round + "-" + i), CancellationToken.None).AsTask()));
        }

        var database = new FileInfo(db.Path).Length;
        var wal = new FileInfo(db.Path + "-wal").Length;
        Assert.That(database, Is.GreaterThan(8L << 20), "committed pages were copied into the database file");
        Assert.That(wal, Is.LessThan(database / 2), "the WAL started over instead of holding every page");
        Assert.That(await db.Store().CountAsync(CancellationToken.None), Is.EqualTo(20_000));
    }

    private static SqliteConnection LockDatabase(TempDatabase db)
    {
        var connection = new SqliteConnection(db.ConnectionString + ";Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "BEGIN IMMEDIATE;";
        command.ExecuteNonQuery();
        return connection;
    }
}
