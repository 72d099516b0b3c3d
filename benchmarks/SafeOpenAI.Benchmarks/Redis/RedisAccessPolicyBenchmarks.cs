using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using SafeOpenAI.Redis;
using SafeOpenAI.Testing;
using StackExchange.Redis;

namespace SafeOpenAI.Benchmarks.Redis;

/// <summary>
/// The cost of the suspension check every call makes (<see cref="IUserAccessPolicy.GetSuspensionAsync"/>),
/// against a local redis-server that the benchmark starts on 127.0.0.1:
/// <see cref="RedisUserAccessPolicy"/> for a user who is not suspended (the common case) and for
/// one who is (the JSON value is decoded), a bare StackExchange.Redis <c>GET</c> of the same key on
/// the same connection (the floor: one round trip), and <see cref="InMemoryUserAccessPolicy"/>.
/// The "×64" rows run 64 concurrent callers of 100 checks each; one operation is one check, so
/// checks per second = 1 s ÷ the mean.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class RedisAccessPolicyBenchmarks
{
    private const int Callers = 64;
    private const int ChecksPerCaller = 100;
    private const string Prefix = "{bench}";

    private LocalRedisServer _server = null!;
    private ConnectionMultiplexer _connection = null!;
    private RedisUserAccessPolicy _redis = null!;
    private InMemoryUserAccessPolicy _memory = null!;
    private IDatabase _database = null!;
    private readonly string[] _users = [.. Enumerable.Range(0, Callers).Select(i => "user-" + i)];

    [GlobalSetup]
    public async Task Setup()
    {
        _server = await LocalRedisServer.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(_server.Configuration);
        _database = _connection.GetDatabase();
        _redis = new RedisUserAccessPolicy(_connection, new RedisAccessPolicyOptions { KeyPrefix = Prefix }, TimeProvider.System, NullLoggerFactory.Instance);
        _memory = new InMemoryUserAccessPolicy(TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        var suspension = new UserSuspension("suspended", "anomaly.repeated_moderation_flags", now, now.AddDays(1));
        await _redis.SuspendAsync(suspension, CancellationToken.None);
        await _memory.SuspendAsync(suspension, CancellationToken.None);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _connection.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "bare GET, same connection")]
    public async Task<bool> BareGet() => (await _database.StringGetAsync(Prefix + ":u:user-0")).HasValue;

    [Benchmark(Description = "Redis policy, not suspended")]
    public async Task<bool> RedisNotSuspended() => await _redis.GetSuspensionAsync("user-0", CancellationToken.None) is null;

    [Benchmark(Description = "Redis policy, suspended")]
    public async Task<bool> RedisSuspended() => await _redis.GetSuspensionAsync("suspended", CancellationToken.None) is null;

    [Benchmark(Description = "in-memory policy, not suspended")]
    public async Task<bool> InMemoryNotSuspended() => await _memory.GetSuspensionAsync("user-0", CancellationToken.None) is null;

    [Benchmark(OperationsPerInvoke = Callers * ChecksPerCaller, Description = "bare GET ×64")]
    public Task BareGetConcurrent() => Concurrently(async user => !(await _database.StringGetAsync(Prefix + ":u:" + user)).HasValue);

    [Benchmark(OperationsPerInvoke = Callers * ChecksPerCaller, Description = "Redis policy ×64, not suspended")]
    public Task RedisConcurrent() => Concurrently(async user => await _redis.GetSuspensionAsync(user, CancellationToken.None) is null);

    private Task Concurrently(Func<string, Task<bool>> check) => Task.WhenAll(_users.Select(user => Task.Run(async () =>
    {
        for (var i = 0; i < ChecksPerCaller; i++)
        {
            if (!await check(user).ConfigureAwait(false))
            {
                throw new InvalidOperationException("a user who is not suspended was reported suspended");
            }
        }
    })));
}
