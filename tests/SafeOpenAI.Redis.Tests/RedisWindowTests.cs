using Microsoft.Extensions.Time.Testing;

namespace SafeOpenAI.Redis.Tests;

/// <summary>
/// Windows are computed inside the scripts from Redis <c>TIME</c>. These tests hand the scripts
/// crafted instants (an internal, test-only time argument) to check the boundaries against
/// <see cref="BudgetWindows"/>, and check that process clocks play no part.
/// </summary>
public class RedisWindowTests
{
    private static readonly BudgetWindow[] s_windows = [BudgetWindow.Minute, BudgetWindow.Hour, BudgetWindow.Day, BudgetWindow.Month];

    [Test]
    public async Task Script_window_boundaries_match_BudgetWindows_for_crafted_instants()
    {
        await using var tracker = RedisTest.Tracker(RedisTest.Options(), RedisTest.Budget());
        var random = new Random(5);
        var instants = new List<DateTimeOffset>
        {
            new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero),
            new(2024, 2, 29, 23, 59, 59, 999, TimeSpan.Zero),
            new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero),
            new(2023, 12, 31, 23, 59, 59, 999, TimeSpan.Zero),
            new(2100, 2, 28, 12, 0, 0, TimeSpan.Zero),
            new(2000, 2, 29, 12, 0, 0, TimeSpan.Zero),
        };
        for (var i = 0; i < 200; i++)
        {
            instants.Add(DateTimeOffset.FromUnixTimeMilliseconds(random.NextInt64(0, 4_102_444_800_000)));
        }

        foreach (var instant in instants)
        {
            tracker.TimeOverride = instant;
            foreach (var window in s_windows)
            {
                var usage = await tracker.GetUsageAsync(BudgetScope.User, "u", window, CancellationToken.None);
                Assert.That((usage.WindowStart, usage.ResetsAt), Is.EqualTo((BudgetWindows.StartOf(window, instant), BudgetWindows.EndOf(window, instant))), $"{window} at {instant:O}");
            }
        }
    }

    [TestCase("2025-03-14T12:59:59.999Z", "2025-03-14T13:00:00.000Z", BudgetWindow.Hour)]
    [TestCase("2025-03-14T12:00:59.999Z", "2025-03-14T12:01:00.000Z", BudgetWindow.Minute)]
    [TestCase("2025-03-14T23:59:59.999Z", "2025-03-15T00:00:00.000Z", BudgetWindow.Day)]
    [TestCase("2024-01-31T23:59:59.999Z", "2024-02-01T00:00:00.000Z", BudgetWindow.Month)]
    [TestCase("2024-02-29T23:59:59.999Z", "2024-03-01T00:00:00.000Z", BudgetWindow.Month)]
    [TestCase("2023-12-31T23:59:59.999Z", "2024-01-01T00:00:00.000Z", BudgetWindow.Month)]
    public async Task Committed_usage_resets_at_the_window_boundary_and_holds_carry_over(string before, string after, BudgetWindow window)
    {
        await using var tracker = RedisTest.Tracker(RedisTest.Options(), RedisTest.Budget(new BudgetLimit { Scope = BudgetScope.User, Window = window, Tokens = 1_000 }));
        var last = DateTimeOffset.Parse(before, System.Globalization.CultureInfo.InvariantCulture);
        tracker.TimeOverride = last;
        var spent = await tracker.ReserveAsync(RedisTest.Request(800), CancellationToken.None);
        await tracker.SettleAsync(spent, new TokenUsage(800, 0), null, CancellationToken.None);
        var outstanding = await tracker.ReserveAsync(RedisTest.Request(100), CancellationToken.None);
        var denied = await tracker.ReserveAsync(RedisTest.Request(101), CancellationToken.None);

        tracker.TimeOverride = DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture);
        var next = await tracker.ReserveAsync(RedisTest.Request(900), CancellationToken.None);
        var overNext = await tracker.ReserveAsync(RedisTest.Request(1), CancellationToken.None);

        Assert.That(denied.IsGranted, Is.False);
        Assert.That(denied.RetryAfter, Is.EqualTo(TimeSpan.FromMilliseconds(1)));
        Assert.That(next.IsGranted, Is.True, "the new window starts empty");
        Assert.That(overNext.IsGranted, Is.False, "the outstanding hold of 100 counts in the new window too");
        Assert.That(outstanding.IsGranted, Is.True);
    }

    [Test]
    public async Task Windows_follow_the_real_redis_clock()
    {
        await using var tracker = RedisTest.Tracker(RedisTest.Options(), RedisTest.Budget());
        var before = DateTimeOffset.UtcNow;

        var usage = await tracker.GetUsageAsync(BudgetScope.User, "u", BudgetWindow.Hour, CancellationToken.None);

        var after = DateTimeOffset.UtcNow;
        Assert.That(usage.WindowStart, Is.EqualTo(BudgetWindows.StartOf(BudgetWindow.Hour, before)).Or.EqualTo(BudgetWindows.StartOf(BudgetWindow.Hour, after)));
    }

    [Test]
    public async Task Trackers_whose_process_clocks_disagree_share_one_window_and_one_budget()
    {
        var options = RedisTest.Options(mode: RedisFailureMode.FailOpen);
        var budget = RedisTest.Budget(new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Hour, Tokens = 1_000 });
        var real = DateTimeOffset.UtcNow;
        await using var ahead = RedisTest.Tracker(options, budget, time: new FakeTimeProvider(real.AddHours(5).AddMinutes(17)));
        await using var behind = RedisTest.Tracker(options, budget, time: new FakeTimeProvider(real.AddDays(-40)));

        var spent = await ahead.ReserveAsync(RedisTest.Request(700), CancellationToken.None);
        await ahead.SettleAsync(spent, new TokenUsage(700, 0), null, CancellationToken.None);
        var overBehind = await behind.ReserveAsync(RedisTest.Request(301), CancellationToken.None);
        var fitsBehind = await behind.ReserveAsync(RedisTest.Request(300), CancellationToken.None);
        var seenAhead = await ahead.GetUsageAsync(BudgetScope.User, "user-a", BudgetWindow.Hour, CancellationToken.None);
        var seenBehind = await behind.GetUsageAsync(BudgetScope.User, "user-a", BudgetWindow.Hour, CancellationToken.None);

        Assert.That(overBehind.IsGranted, Is.False);
        Assert.That(overBehind.Verdict.Evidence["used"], Is.EqualTo("700"));
        Assert.That(fitsBehind.IsGranted, Is.True);
        Assert.That(fitsBehind.Verdict.Code, Is.Not.EqualTo(BudgetCodes.Degraded));
        Assert.That(seenBehind, Is.EqualTo(seenAhead));
        Assert.That(seenAhead.WindowStart, Is.EqualTo(BudgetWindows.StartOf(BudgetWindow.Hour, real)).Or.EqualTo(BudgetWindows.StartOf(BudgetWindow.Hour, DateTimeOffset.UtcNow)));
    }
}
