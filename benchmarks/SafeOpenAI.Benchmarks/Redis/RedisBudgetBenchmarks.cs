using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using SafeOpenAI.Redis;
using SafeOpenAI.Testing;
using StackExchange.Redis;

namespace SafeOpenAI.Benchmarks.Redis;

/// <summary>
/// Reserve + settle pairs per second against a local redis-server (started by the benchmark on
/// 127.0.0.1) with 64 concurrent callers, three limits per call (user-hour tokens, user-day
/// requests, global-month tokens) and a per-user request rate:
/// <see cref="RedisBudgetTracker"/> (one Lua script round trip for the reservation, one for the
/// settlement, atomic) against a naive implementation with plain GET/INCRBY commands (a dozen
/// round trips per pair, not atomic). One operation = one reserve+settle pair; pairs per second =
/// 1 s ÷ the mean. Goal (issue 5): at least 10,000 pairs per second on a 2-core machine.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class RedisBudgetBenchmarks
{
    private const int Callers = 64;
    private const int PairsPerCaller = 100;
    private const int Pairs = Callers * PairsPerCaller;

    private LocalRedisServer _server = null!;
    private RedisBudgetTracker _tracker = null!;
    private ConnectionMultiplexer _naiveConnection = null!;
    private NaiveRedisBudget _naive = null!;
    private BudgetRequest[] _requests = null!;
    private readonly TokenUsage _usage = new(100, 50);

    [GlobalSetup]
    public async Task Setup()
    {
        _server = await LocalRedisServer.StartAsync();
        var budget = new BudgetOptions { RequestsPerMinute = 1_000_000 };
        budget.Limits.Add(new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Hour, Tokens = long.MaxValue / 4 });
        budget.Limits.Add(new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Day, Requests = long.MaxValue / 4 });
        budget.Limits.Add(new BudgetLimit { Scope = BudgetScope.Global, Window = BudgetWindow.Month, Tokens = long.MaxValue / 4 });
        _tracker = new RedisBudgetTracker(new RedisBudgetOptions { Configuration = _server.Configuration }, budget, null, NullLoggerFactory.Instance, null);
        _naiveConnection = await ConnectionMultiplexer.ConnectAsync(_server.Configuration);
        _naive = new NaiveRedisBudget(_naiveConnection.GetDatabase(), "{naive}", [.. budget.EffectiveLimits]);
        _requests = [.. Enumerable.Range(0, Callers).Select(i => new BudgetRequest(new BudgetSubject("user-" + i), "gpt-4o-mini", 120, 200, 0.001m))];
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _tracker.DisposeAsync();
        await _naiveConnection.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Pairs, Description = "RedisBudgetTracker: Lua, 1 round trip each")]
    public Task ReserveSettleOneScript() => Task.WhenAll(Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
    {
        var request = _requests[caller];
        for (var i = 0; i < PairsPerCaller; i++)
        {
            var reservation = await _tracker.ReserveAsync(request, CancellationToken.None);
            if (!reservation.IsGranted)
            {
                throw new InvalidOperationException(reservation.Verdict.Code);
            }

            await _tracker.SettleAsync(reservation, _usage, 0.0005m, CancellationToken.None);
        }
    })));

    [Benchmark(OperationsPerInvoke = Pairs, Description = "Naive GET/INCRBY, many round trips")]
    public Task ReserveSettleNaive() => Task.WhenAll(Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
    {
        var request = _requests[caller];
        for (var i = 0; i < PairsPerCaller; i++)
        {
            if (!await _naive.ReserveAsync(request))
            {
                throw new InvalidOperationException("denied");
            }

            await _naive.SettleAsync(request, _usage);
        }
    })));
}
