using Npgsql;
using SafeOpenAI.Testing;

namespace SafeOpenAI.PostgreSql.Tests.Audit;

/// <summary>A server outage on a server of its own: waiting writes fail with the Npgsql exception, and the writer stores later records once the server is back.</summary>
public class PostgreSqlAuditOutageTests
{
    [Test]
    public async Task Writes_waiting_when_the_server_dies_fail_and_writes_after_its_restart_land()
    {
        await using var server = await LocalPostgreSqlServer.StartAsync();
        // The test server commits asynchronously (synchronous_commit=off), which a kill may undo; this
        // database's sessions commit synchronously, as a production server does, so what was committed stays.
        await using var db = await AuditDatabase.CreateAsync(server, ";Options=-c synchronous_commit=on");
        var sink = db.Sink();
        await sink.WriteAsync(PostgreSqlAuditSinkTests.Minimal("before"), CancellationToken.None);

        // A transaction holding the table keeps the next writes waiting in the writer until the server dies.
        // Its own unpooled connection, so that its death stays out of the sink's pool.
        await using var locker = new NpgsqlConnection(db.ConnectionString + ";Pooling=false");
        await locker.OpenAsync();
        var transaction = await locker.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand("LOCK TABLE safeopenai.audit_records IN ACCESS EXCLUSIVE MODE", locker, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }

        var waiting = Enumerable.Range(0, 20).Select(i => sink.WriteAsync(PostgreSqlAuditSinkTests.Minimal("lost-" + i), CancellationToken.None).AsTask()).ToArray();
        Assert.That(waiting.Any(w => w.IsCompleted), Is.False);

        await server.KillAsync();

        foreach (var write in waiting)
        {
            Assert.That(async () => await write, Throws.InstanceOf<NpgsqlException>(), "the caller hears that its record was not stored");
        }

        await using (var probe = new NpgsqlCommand("SELECT 1", locker, transaction))
        {
            Assert.That(async () => await probe.ExecuteScalarAsync(), Throws.InstanceOf<NpgsqlException>(), "the locking session died with the server");
        }

        await server.RestartAsync();
        await sink.WriteAsync(PostgreSqlAuditSinkTests.Minimal("after"), CancellationToken.None);

        var store = db.Store();
        Assert.That(await store.GetAsync("before", CancellationToken.None), Is.Not.Null);
        Assert.That(await store.GetAsync("after", CancellationToken.None), Is.Not.Null);
        Assert.That(await store.CountAsync(CancellationToken.None), Is.EqualTo(2), "no failed write was stored after all");
    }
}
