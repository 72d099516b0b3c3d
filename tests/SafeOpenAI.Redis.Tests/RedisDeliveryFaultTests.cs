using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using StackExchange.Redis;

namespace SafeOpenAI.Redis.Tests;

/// <summary>
/// What the network can do to a command between the tracker and a real Redis: deliver it twice (a
/// client resends it after losing the reply, or a connection is re-established while it was in
/// flight), or run it and lose its reply. The tracker must count each call once and leave nothing
/// held. The connections here wrap the real server's.
/// </summary>
public class RedisDeliveryFaultTests
{
    [Test]
    public async Task Every_command_delivered_twice_still_counts_each_call_once_and_leaves_nothing_held()
    {
        await using var real = await ConnectionMultiplexer.ConnectAsync(RedisServerFixture.Server.Configuration);
        var database = real.GetDatabase();
        var deliveries = 0;
        var twice = new Mock<IDatabase>(MockBehavior.Strict);
        twice.Setup(d => d.ScriptEvaluateAsync(It.IsAny<byte[]>(), It.IsAny<RedisKey[]>(), It.IsAny<RedisValue[]>(), It.IsAny<CommandFlags>()))
            .Returns(async (byte[] hash, RedisKey[] keys, RedisValue[] values, CommandFlags flags) =>
            {
                Interlocked.Add(ref deliveries, 2);
                await database.ScriptEvaluateAsync(hash, keys, values, flags);
                return await database.ScriptEvaluateAsync(hash, keys, values, flags);
            });
        twice.Setup(d => d.ScriptEvaluateAsync(It.IsAny<string>(), It.IsAny<RedisKey[]>(), It.IsAny<RedisValue[]>(), It.IsAny<CommandFlags>()))
            .Returns(async (string script, RedisKey[] keys, RedisValue[] values, CommandFlags flags) =>
            {
                Interlocked.Add(ref deliveries, 2);
                await database.ScriptEvaluateAsync(script, keys, values, flags);
                return await database.ScriptEvaluateAsync(script, keys, values, flags);
            });
        var connection = new Mock<IConnectionMultiplexer>(MockBehavior.Loose);
        connection.Setup(c => c.GetDatabase(It.IsAny<int>(), It.IsAny<object?>())).Returns(twice.Object);
        var options = RedisTest.Options();
        options.KeyPrefix = "{dup-" + Guid.NewGuid().ToString("N") + "}";
        await using var tracker = new RedisBudgetTracker(
            connection.Object, options, RedisTest.Budget(new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Hour, Tokens = 10_000 }), null, NullLoggerFactory.Instance, null);

        for (var i = 0; i < 5; i++)
        {
            var settled = await tracker.ReserveAsync(RedisTest.Request(300), CancellationToken.None);
            Assert.That(settled.IsGranted, Is.True);
            await tracker.SettleAsync(settled, new TokenUsage(100, 20), null, CancellationToken.None);
        }

        var released = await tracker.ReserveAsync(RedisTest.Request(300), CancellationToken.None);
        await tracker.ReleaseAsync(released, CancellationToken.None);
        var usage = await tracker.GetUsageAsync(BudgetScope.User, "user-a", BudgetWindow.Hour, CancellationToken.None);

        Assert.That(deliveries, Is.GreaterThanOrEqualTo(24), "every reserve, settle and release went to Redis twice");
        Assert.That((usage.Tokens, usage.Requests), Is.EqualTo((600L, 5L)), "each settled call counted once");
        Assert.That((usage.HeldTokens, usage.HeldRequests), Is.EqualTo((0L, 0L)), "no hold left behind by a reservation delivered twice");
    }

    [Test]
    public async Task A_reserve_that_ran_in_Redis_but_lost_its_reply_is_given_back_when_Redis_answers_again_not_after_the_lease()
    {
        await using var real = await ConnectionMultiplexer.ConnectAsync(RedisServerFixture.Server.Configuration);
        var database = real.GetDatabase();
        var calls = 0;
        var lossy = new Mock<IDatabase>(MockBehavior.Strict);
        lossy.Setup(d => d.ScriptEvaluateAsync(It.IsAny<byte[]>(), It.IsAny<RedisKey[]>(), It.IsAny<RedisValue[]>(), It.IsAny<CommandFlags>()))
            .Returns(async (byte[] hash, RedisKey[] keys, RedisValue[] values, CommandFlags flags) =>
            {
                var reply = await database.ScriptEvaluateAsync(hash, keys, values, flags);
                return Interlocked.Increment(ref calls) == 1 ? throw new RedisTimeoutException("Timeout awaiting response (test: the reply was lost)", CommandStatus.Sent) : reply;
            });
        lossy.Setup(d => d.ScriptEvaluateAsync(It.IsAny<string>(), It.IsAny<RedisKey[]>(), It.IsAny<RedisValue[]>(), It.IsAny<CommandFlags>()))
            .Returns(async (string script, RedisKey[] keys, RedisValue[] values, CommandFlags flags) =>
            {
                var reply = await database.ScriptEvaluateAsync(script, keys, values, flags);
                return Interlocked.Increment(ref calls) == 1 ? throw new RedisTimeoutException("Timeout awaiting response (test: the reply was lost)", CommandStatus.Sent) : reply;
            });
        var connection = new Mock<IConnectionMultiplexer>(MockBehavior.Loose);
        connection.Setup(c => c.GetDatabase(It.IsAny<int>(), It.IsAny<object?>())).Returns(lossy.Object);
        connection.SetupGet(c => c.IsConnected).Returns(true);
        var options = RedisTest.Options();
        options.KeyPrefix = "{lost-" + Guid.NewGuid().ToString("N") + "}";
        options.ReservationTimeout = TimeSpan.FromHours(1);
        await using var tracker = new RedisBudgetTracker(
            connection.Object, options, RedisTest.Budget(new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Hour, Tokens = 10_000 }), null, NullLoggerFactory.Instance, null);

        var lost = await tracker.ReserveAsync(RedisTest.Request(300), CancellationToken.None);
        var orphaned = await tracker.GetUsageAsync(BudgetScope.User, "user-a", BudgetWindow.Hour, CancellationToken.None);
        var next = await tracker.ReserveAsync(RedisTest.Request(200), CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (tracker.PendingCompletions > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await tracker.ReleaseAsync(next, CancellationToken.None);
        var after = await tracker.GetUsageAsync(BudgetScope.User, "user-a", BudgetWindow.Hour, CancellationToken.None);

        Assert.That(lost.IsGranted, Is.False, "the caller saw an outage and was denied (fail closed)");
        Assert.That(lost.Verdict.Code, Is.EqualTo("budget.unavailable"));
        Assert.That(orphaned.HeldTokens, Is.EqualTo(300), "Redis ran the reserve all the same");
        Assert.That(next.IsGranted, Is.True);
        Assert.That(tracker.PendingCompletions, Is.Zero, "the queued release was replayed");
        Assert.That((after.HeldTokens, after.HeldRequests, after.Tokens), Is.EqualTo((0L, 0L, 0L)), "the orphan's holds came back with the replay, an hour before its lease would end");
    }

    [Test]
    public async Task A_suspension_write_that_StackExchange_Redis_cancels_while_reconnecting_throws_the_documented_RedisException()
    {
        var cancelled = new Mock<IDatabase>(MockBehavior.Strict);
        cancelled.Setup(d => d.ScriptEvaluateAsync(It.IsAny<byte[]>(), It.IsAny<RedisKey[]>(), It.IsAny<RedisValue[]>(), It.IsAny<CommandFlags>()))
            .ThrowsAsync(new TaskCanceledException("cancelled while the connection was re-established"));
        cancelled.Setup(d => d.ScriptEvaluateAsync(It.IsAny<string>(), It.IsAny<RedisKey[]>(), It.IsAny<RedisValue[]>(), It.IsAny<CommandFlags>()))
            .ThrowsAsync(new TaskCanceledException("cancelled while the connection was re-established"));
        var connection = new Mock<IConnectionMultiplexer>(MockBehavior.Loose);
        connection.Setup(c => c.GetDatabase(It.IsAny<int>(), It.IsAny<object?>())).Returns(cancelled.Object);
        var policy = new RedisUserAccessPolicy(connection.Object, RedisTest.AccessOptions(), TimeProvider.System, NullLoggerFactory.Instance);
        var suspension = new UserSuspension("user-a", "test", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(5));

        var suspend = Assert.ThrowsAsync<RedisConnectionException>(async () => await policy.SuspendAsync(suspension, CancellationToken.None));
        var lift = Assert.ThrowsAsync<RedisConnectionException>(async () => await policy.LiftAsync("user-a", CancellationToken.None));

        Assert.That(suspend!.InnerException, Is.InstanceOf<TaskCanceledException>(), "the connection's cancellation is kept inside");
        Assert.That(lift!.InnerException, Is.InstanceOf<TaskCanceledException>());
    }
}
