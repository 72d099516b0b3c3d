using Npgsql;

namespace SafeOpenAI.PostgreSql.Tests.Audit;

/// <summary>The sink on a real server: batching, commit before return, one bad record in a batch, a full queue, flush on dispose.</summary>
public class PostgreSqlAuditSinkTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    internal static AuditRecord Minimal(string id) => new()
    {
        AuditId = id,
        Timestamp = T0,
        Model = "gpt-4o-mini",
        Outcome = AuditOutcome.Completed,
        InputHash = new string('a', 64),
        VerdictCodes = ["Model:model.completed"],
    };

    [Test]
    public async Task Five_thousand_concurrent_writes_are_each_stored_once_in_batches()
    {
        await using var db = await AuditDatabase.CreateAsync();
        var sink = db.Sink();

        await Task.WhenAll(Enumerable.Range(0, 5_000).Select(i => Task.Run(async () => await sink.WriteAsync(Minimal("c-" + i), CancellationToken.None))));

        Assert.That(await db.ScalarAsync("SELECT count(*) FROM safeopenai.audit_records"), Is.EqualTo(5_000));
        Assert.That(await db.ScalarAsync("SELECT count(DISTINCT audit_id) FROM safeopenai.audit_records"), Is.EqualTo(5_000));
        Assert.That(sink.CommittedTransactions, Is.LessThan(5_000), "records share COPY batches");
    }

    [Test]
    public async Task With_a_batch_size_of_one_every_record_is_its_own_insert()
    {
        await using var db = await AuditDatabase.CreateAsync();
        var sink = db.Sink(o => o.MaxBatchSize = 1);

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () => await sink.WriteAsync(Minimal("one-" + i), CancellationToken.None))));

        Assert.That(await db.ScalarAsync("SELECT count(*) FROM safeopenai.audit_records"), Is.EqualTo(200));
        Assert.That(sink.CommittedTransactions, Is.EqualTo(200));
    }

    [Test]
    public async Task A_write_returns_only_after_its_record_is_committed()
    {
        await using var db = await AuditDatabase.CreateAsync();
        var sink = db.Sink();

        for (var i = 0; i < 20; i++)
        {
            await sink.WriteAsync(Minimal("seq-" + i), CancellationToken.None);

            // Another connection sees committed rows only.
            Assert.That(await db.ScalarAsync("SELECT count(*) FROM safeopenai.audit_records"), Is.EqualTo(i + 1));
        }
    }

    [Test]
    public async Task A_duplicate_audit_id_in_a_batch_fails_only_its_own_write()
    {
        await using var db = await AuditDatabase.CreateAsync();

        // A batch delay gathers the four writes into one COPY.
        var sink = db.Sink(o => o.MaxBatchDelay = TimeSpan.FromMilliseconds(500));
        await sink.WriteAsync(Minimal("dup"), CancellationToken.None);
        var before = sink.CommittedTransactions;
        var writes = new[] { "a", "dup", "b", "c" }.Select(id => sink.WriteAsync(Minimal(id), CancellationToken.None).AsTask()).ToArray();

        var error = Assert.ThrowsAsync<PostgresException>(() => writes[1]);
        Assert.That(error!.SqlState, Is.EqualTo(PostgresErrorCodes.UniqueViolation));
        await Task.WhenAll(writes[0], writes[2], writes[3]);
        Assert.That(await db.ScalarAsync("SELECT count(*) FROM safeopenai.audit_records"), Is.EqualTo(4));
        Assert.That(sink.CommittedTransactions - before, Is.EqualTo(3), "the failed COPY was retried one insert per record");
    }

    [Test]
    public async Task When_full_under_Fail_the_overflowing_writes_throw_and_the_accepted_ones_are_stored()
    {
        await using var db = await AuditDatabase.CreateAsync();
        await db.Database.EnsureMigratedAsync(CancellationToken.None);
        var sink = db.Sink(o => (o.QueueCapacity, o.MaxBatchSize, o.WhenFull) = (2, 1, AuditQueueFullMode.Fail));
        var writes = new List<Task>();
        await using (await LockTableAsync(db))
        {
            // The writer cannot insert while another transaction holds the table: at most one record is in
            // its hands and two wait in the queue.
            for (var i = 0; i < 6; i++)
            {
                writes.Add(sink.WriteAsync(Minimal("f-" + i), CancellationToken.None).AsTask());
            }

            Assert.That(writes.Count(w => w.IsFaulted), Is.InRange(3, 4));
            Assert.That(writes.Where(w => w.IsFaulted).Select(w => w.Exception!.InnerException), Is.All.InstanceOf<AuditStoreFullException>());
            Assert.That(writes.Any(w => w.IsCompletedSuccessfully), Is.False);
        }

        var accepted = writes.Where(w => !w.IsFaulted).ToList();
        await Task.WhenAll(accepted);
        Assert.That(await db.ScalarAsync("SELECT count(*) FROM safeopenai.audit_records"), Is.EqualTo(accepted.Count));
        var full = (AuditStoreFullException)writes.First(w => w.IsFaulted).Exception!.InnerException!;
        Assert.That(full.QueueCapacity, Is.EqualTo(2));
        Assert.That(full.Message, Does.Contain("PostgreSQL").And.Contain("not stored"));
    }

    [Test]
    public async Task When_full_under_Wait_writes_wait_for_room_and_all_are_stored()
    {
        await using var db = await AuditDatabase.CreateAsync();
        await db.Database.EnsureMigratedAsync(CancellationToken.None);
        var sink = db.Sink(o => o.QueueCapacity = 2);
        var writes = new List<Task>();
        await using (await LockTableAsync(db))
        {
            for (var i = 0; i < 6; i++)
            {
                writes.Add(sink.WriteAsync(Minimal("w-" + i), CancellationToken.None).AsTask());
            }

            Assert.That(writes.Any(w => w.IsCompleted), Is.False);
        }

        await Task.WhenAll(writes);
        Assert.That(await db.ScalarAsync("SELECT count(*) FROM safeopenai.audit_records"), Is.EqualTo(6));
    }

    [Test]
    public async Task Dispose_flushes_every_queued_record_and_later_writes_throw()
    {
        await using var db = await AuditDatabase.CreateAsync();
        var sink = db.Sink();
        var writes = Enumerable.Range(0, 2_000).Select(i => sink.WriteAsync(Minimal("d-" + i), CancellationToken.None).AsTask()).ToList();

        await sink.DisposeAsync();

        // Counted before the writers' continuations are awaited: the records are committed when DisposeAsync returns.
        Assert.That(await db.ScalarAsync("SELECT count(*) FROM safeopenai.audit_records"), Is.EqualTo(2_000));
        await Task.WhenAll(writes);
        Assert.ThrowsAsync<ObjectDisposedException>(async () => await sink.WriteAsync(Minimal("late"), CancellationToken.None));
        await sink.DisposeAsync();
    }

    [Test]
    public async Task Operators_get_the_instant_as_timestamptz_and_the_verdict_keys_of_every_family()
    {
        await using var db = await AuditDatabase.CreateAsync();
        var sink = db.Sink();
        var record = new AuditRecord
        {
            AuditId = "ops-1",
            Timestamp = T0.AddTicks(1234567),
            Model = "gpt-4o-mini",
            Outcome = AuditOutcome.Blocked,
            InputHash = new string('a', 64),
            VerdictCodes = ["Moderation:moderation.flagged:violence", "bare.code", "Moderation:moderation.flagged:hate"],
        };

        await sink.WriteAsync(record, CancellationToken.None);

        Assert.That(await db.ScalarAsync("SELECT extract(epoch FROM occurred_at) * 1000000 FROM safeopenai.audit_records"), Is.EqualTo(((T0 - DateTimeOffset.UnixEpoch).Ticks / 10) + 123_457).Within(1), "the same instant in microseconds, as timestamptz holds them");
        await using var connection = await db.Database.OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand("SELECT verdict_keys FROM safeopenai.audit_records", connection);
        Assert.That((string[])(await command.ExecuteScalarAsync())!, Is.EqualTo(new[] { "moderation.flagged", "moderation.flagged:violence", "bare.code", "moderation.flagged:hate" }));
    }

    private static async Task<IAsyncDisposable> LockTableAsync(AuditDatabase db)
    {
        var connection = await db.Database.OpenAsync(CancellationToken.None);
        var transaction = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand("LOCK TABLE safeopenai.audit_records IN ACCESS EXCLUSIVE MODE", connection, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new TableLock(connection, transaction);
    }

    /// <summary>Holds the table until disposed; disposing rolls back, releasing the lock.</summary>
    private sealed class TableLock(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
