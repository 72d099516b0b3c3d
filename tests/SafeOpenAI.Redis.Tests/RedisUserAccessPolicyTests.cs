using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SafeOpenAI.Testing;
using StackExchange.Redis;

namespace SafeOpenAI.Redis.Tests;

/// <summary>What RedisUserAccessPolicy adds to the contract: its keys, many instances, outages.</summary>
public class RedisUserAccessPolicyTests
{
    private static readonly DateTimeOffset s_start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private ConnectionMultiplexer _connection = null!;

    [OneTimeSetUp]
    public async Task ConnectAsync() => _connection = await ConnectionMultiplexer.ConnectAsync(RedisServerFixture.Server.Configuration);

    [OneTimeTearDown]
    public async Task DisconnectAsync() => await _connection.DisposeAsync();

    [Test]
    public async Task A_suspension_is_a_key_with_a_JSON_value_and_a_TTL_of_the_remaining_time_indexed_by_its_end()
    {
        var time = new FakeTimeProvider(s_start);
        var options = RedisTest.AccessOptions();
        var policy = new RedisUserAccessPolicy(_connection, options, time, NullLoggerFactory.Instance);
        var until = s_start.AddMinutes(10);

        await policy.SuspendAsync(new UserSuspension("user-a", "anomaly.token_spike", s_start, until), CancellationToken.None);

        var database = _connection.GetDatabase();
        var value = await database.StringGetAsync(options.KeyPrefix + ":u:user-a");
        var ttl = await database.KeyTimeToLiveAsync(options.KeyPrefix + ":u:user-a");
        var score = await database.SortedSetScoreAsync(options.KeyPrefix + ":suspensions", "user-a");
        using var json = JsonDocument.Parse(value.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(json.RootElement.GetProperty("reason").GetString(), Is.EqualTo("anomaly.token_spike"));
            Assert.That(json.RootElement.GetProperty("since").GetInt64(), Is.EqualTo(s_start.ToUnixTimeMilliseconds()));
            Assert.That(json.RootElement.GetProperty("until").GetInt64(), Is.EqualTo(until.ToUnixTimeMilliseconds()));
            Assert.That(json.RootElement.EnumerateObject().Count(), Is.EqualTo(3), "reason, since and until, nothing else");
            Assert.That(ttl, Is.GreaterThan(TimeSpan.FromMinutes(9)).And.LessThanOrEqualTo(TimeSpan.FromMinutes(10)));
            Assert.That(score, Is.EqualTo(until.ToUnixTimeMilliseconds()));
        });

        await policy.LiftAsync("user-a", CancellationToken.None);
        Assert.That(await database.KeyExistsAsync(options.KeyPrefix + ":u:user-a"), Is.False);
        Assert.That(await database.SortedSetLengthAsync(options.KeyPrefix + ":suspensions"), Is.Zero);
    }

    [Test]
    public async Task Two_instances_on_their_own_connections_agree()
    {
        await using var other = await ConnectionMultiplexer.ConnectAsync(RedisServerFixture.Server.Configuration);
        var time = new FakeTimeProvider(s_start);
        var options = RedisTest.AccessOptions();
        var first = new RedisUserAccessPolicy(_connection, options, time, NullLoggerFactory.Instance);
        var second = new RedisUserAccessPolicy(other, options, time, NullLoggerFactory.Instance);
        var suspension = new UserSuspension("user-a", "anomaly.repeated_injection", s_start, s_start.AddHours(1));

        await first.SuspendAsync(suspension, CancellationToken.None);
        var seenBySecond = await second.GetSuspensionAsync("user-a", CancellationToken.None);
        var keptBySecond = await second.SuspendAsync(suspension with { Reason = "operator.manual", Until = s_start.AddMinutes(5) }, CancellationToken.None);
        var listedBySecond = await second.ListSuspensionsAsync(CancellationToken.None);
        var lifted = await second.LiftAsync("user-a", CancellationToken.None);
        var seenByFirst = await first.GetSuspensionAsync("user-a", CancellationToken.None);

        Assert.That(seenBySecond, Is.EqualTo(suspension));
        Assert.That(keptBySecond, Is.EqualTo(suspension), "the longer suspension written by the other instance stays");
        Assert.That(listedBySecond, Is.EqualTo(new[] { suspension }));
        Assert.That(lifted, Is.True);
        Assert.That(seenByFirst, Is.Null);
    }

    [Test]
    public async Task An_undecodable_value_is_no_suspension_and_the_next_suspension_overwrites_it()
    {
        var time = new FakeTimeProvider(s_start);
        var options = RedisTest.AccessOptions();
        var policy = new RedisUserAccessPolicy(_connection, options, time, NullLoggerFactory.Instance);
        await _connection.GetDatabase().StringSetAsync(options.KeyPrefix + ":u:user-a", "{not json");
        var suspension = new UserSuspension("user-a", "operator.manual", s_start, s_start.AddMinutes(1));

        var before = await policy.GetSuspensionAsync("user-a", CancellationToken.None);
        var written = await policy.SuspendAsync(suspension, CancellationToken.None);

        Assert.That(before, Is.Null);
        Assert.That(written, Is.EqualTo(suspension));
        Assert.That(await policy.GetSuspensionAsync("user-a", CancellationToken.None), Is.EqualTo(suspension));
    }

    [Test]
    public void Invalid_options_are_refused_naming_the_key()
    {
        var options = RedisTest.AccessOptions();
        options.KeyPrefix = "no-tag";
        options.OperationTimeout = TimeSpan.Zero;

        var error = Assert.Throws<ArgumentException>(() => _ = new RedisUserAccessPolicy(_connection, options, null, null));

        Assert.That(error!.Message, Does.Contain("SafeOpenAI:Redis:Access:KeyPrefix").And.Contain("SafeOpenAI:Redis:Access:OperationTimeout"));
    }

    [Test]
    [NonParallelizable]
    public async Task While_Redis_is_down_known_suspensions_hold_and_the_failure_mode_decides_the_rest()
    {
        await using var server = await LocalRedisServer.StartAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(RedisConnectionCache.CreateConfiguration(server.Configuration, TimeSpan.FromSeconds(2)));
        var time = new FakeTimeProvider(s_start);
        var logs = new RecordingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        var openOptions = RedisTest.AccessOptions(RedisFailureMode.FailOpen);
        var closedOptions = RedisTest.AccessOptions(RedisFailureMode.FailClosed);
        closedOptions.KeyPrefix = openOptions.KeyPrefix;
        var open = new RedisUserAccessPolicy(connection, openOptions, time, loggers);
        var closed = new RedisUserAccessPolicy(connection, closedOptions, time, loggers);
        var known = new UserSuspension("known", "anomaly.token_spike", s_start, s_start.AddHours(1));
        await open.SuspendAsync(known, CancellationToken.None);
        await closed.GetSuspensionAsync("known", CancellationToken.None);

        await server.KillAsync();
        var openKnown = await open.GetSuspensionAsync("known", CancellationToken.None);
        var closedKnown = await closed.GetSuspensionAsync("known", CancellationToken.None);
        var openUnknown = await open.GetSuspensionAsync("unknown", CancellationToken.None);
        var closedUnknown = await closed.GetSuspensionAsync("unknown", CancellationToken.None);
        var suspendError = Assert.ThrowsAsync(Is.InstanceOf<RedisException>().Or.InstanceOf<TimeoutException>(), async () =>
            await open.SuspendAsync(new UserSuspension("during", "operator.manual", s_start, s_start.AddMinutes(30)), CancellationToken.None));
        var duringAfterFailedWrite = await open.GetSuspensionAsync("during", CancellationToken.None);
        Assert.ThrowsAsync(Is.InstanceOf<RedisException>().Or.InstanceOf<TimeoutException>(), async () => await open.LiftAsync("known", CancellationToken.None));
        Assert.ThrowsAsync(Is.InstanceOf<RedisException>().Or.InstanceOf<TimeoutException>(), async () => await open.ListSuspensionsAsync(CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(openKnown, Is.EqualTo(known), "the suspension this instance saw still blocks");
            Assert.That(closedKnown, Is.EqualTo(known));
            Assert.That(openUnknown, Is.Null, "FailOpen lets an unknown user through");
            Assert.That(closedUnknown!.Reason, Is.EqualTo(RedisUserAccessPolicy.UnavailableReason), "FailClosed blocks an unknown user");
            Assert.That(closedUnknown.Until, Is.EqualTo(s_start.AddSeconds(5)));
            Assert.That(duringAfterFailedWrite!.Reason, Is.EqualTo("operator.manual"), "a suspension that could not be written still applies here");
            Assert.That(logs.Entries.Select(e => (e.Level, e.EventId)), Does.Contain((LogLevel.Error, 3311)).And.Contain((LogLevel.Error, 3312)).And.Contain((LogLevel.Error, 3313)).And.Contain((LogLevel.Error, 3314)));
            Assert.That(logs.Entries.Select(e => e.Message), Has.None.Contain(server.Configuration), "the connection string is never logged");
        });

        await server.RestartAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        UserSuspension? afterRestart;
        while (true)
        {
            afterRestart = await closed.GetSuspensionAsync("unknown", CancellationToken.None);
            if (afterRestart is null || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.That(afterRestart, Is.Null, "the same policy answers from Redis again once it is back");
    }

    private sealed class RecordingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<(LogLevel Level, int EventId, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(RecordingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Entries.Enqueue((logLevel, eventId.Id, formatter(state, exception)));
        }
    }
}
