using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using StackExchange.Redis;

namespace SafeOpenAI.Redis.Tests;

/// <summary>
/// A command can reach Redis twice: a client resends it after losing the reply, or a connection is
/// re-established while it was in flight. The tracker's scripts must then count once. The
/// connection here delivers every script to the real server twice and answers with the second
/// reply, as a resend would.
/// </summary>
public class RedisDuplicateDeliveryTests
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
}
