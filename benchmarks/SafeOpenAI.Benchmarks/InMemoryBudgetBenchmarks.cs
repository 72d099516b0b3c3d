using BenchmarkDotNet.Attributes;

namespace SafeOpenAI.Benchmarks;

/// <summary>
/// One reserve + settle pair on the in-memory tracker with three limits in force (tokens per user
/// per hour, USD per user per calendar month, requests per tenant per day), the per-user request
/// rate limiter on, and 1,000 users taking turns; and a reservation denied for asking more than the whole hourly limit.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class InMemoryBudgetBenchmarks
{
    private const int Users = 1_000;
    private static readonly TokenUsage s_billed = new(300, 120, CachedInputTokens: 100);

    private InMemoryBudgetTracker _tracker = null!;
    private BudgetRequest[] _requests = null!;
    private BudgetRequest _tooLarge = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var options = new BudgetOptions
        {
            // A rate no benchmark loop reaches, so every pair pays for the limiter and none is denied by it.
            RequestsPerMinute = 100_000_000,
        };
        options.Limits.Add(new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Hour, Tokens = 100_000_000 });
        options.Limits.Add(new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Month, CostUsd = 1_000_000_000m });
        options.Limits.Add(new BudgetLimit { Scope = BudgetScope.Tenant, Window = BudgetWindow.Day, Requests = long.MaxValue / 4 });
        _tracker = new InMemoryBudgetTracker(options);
        _requests = [.. Enumerable.Range(0, Users).Select(i => new BudgetRequest(new BudgetSubject("user-" + i, null, "acme"), "gpt-4o-mini", 300, 500, 0.000345m))];
        _tooLarge = new BudgetRequest(new BudgetSubject("user-0", null, "acme"), "gpt-4o-mini", 200_000_000, 1, 30m);
    }

    [GlobalCleanup]
    public void Cleanup() => _tracker.Dispose();

    [Benchmark(Description = "reserve + settle, 3 limits")]
    public async ValueTask ReserveAndSettle()
    {
        var request = _requests[_next++ % Users];
        var reservation = await _tracker.ReserveAsync(request, CancellationToken.None);
        await _tracker.SettleAsync(reservation, s_billed, 0.0001m, CancellationToken.None);
    }

    [Benchmark(Description = "reserve denied (request larger than the limit)")]
    public ValueTask<BudgetReservation> ReserveDenied() => _tracker.ReserveAsync(_tooLarge, CancellationToken.None);
}
