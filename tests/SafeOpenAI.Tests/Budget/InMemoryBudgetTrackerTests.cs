using Microsoft.Extensions.Time.Testing;
using static SafeOpenAI.Tests.Budget.BudgetTestOptions;

namespace SafeOpenAI.Tests.Budget;

/// <summary>The budget contract on the in-memory tracker with the system clock.</summary>
public class InMemoryBudgetTrackerContractTests : BudgetTrackerContractTests
{
    protected override Task<IBudgetTracker> CreateTrackerAsync(BudgetOptions options, BudgetAlertDispatcher alerts) =>
        Task.FromResult<IBudgetTracker>(new InMemoryBudgetTracker(options, alerts));

    protected override Task<DateTimeOffset> NowAsync(IBudgetTracker tracker) => Task.FromResult(DateTimeOffset.UtcNow);
}

/// <summary>What only a fake clock can show: windows rolling over at their UTC boundaries.</summary>
public class InMemoryBudgetTrackerTests
{
    [Test]
    public async Task Minute_hour_and_day_windows_roll_over_at_their_UTC_boundaries()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 14, 23, 59, 30, TimeSpan.Zero));
        using var tracker = new InMemoryBudgetTracker(
            With(
                new BudgetLimit { Window = BudgetWindow.Minute, Tokens = 100 },
                new BudgetLimit { Window = BudgetWindow.Hour, Tokens = 250 },
                new BudgetLimit { Window = BudgetWindow.Day, Tokens = 400 }),
            timeProvider: time);

        await SpendAsync(tracker, 100);
        var sameMinute = await tracker.ReserveAsync(Ask(1), CancellationToken.None);
        time.SetUtcNow(new DateTimeOffset(2026, 3, 14, 23, 59, 59, 999, TimeSpan.Zero));
        var lastMoment = await tracker.ReserveAsync(Ask(1), CancellationToken.None);

        time.SetUtcNow(new DateTimeOffset(2026, 3, 15, 0, 0, 0, TimeSpan.Zero));
        await SpendAsync(tracker, 100);
        await SpendAsync(tracker, 0);
        time.Advance(TimeSpan.FromMinutes(1));
        await SpendAsync(tracker, 100);
        time.Advance(TimeSpan.FromMinutes(1));
        var hourFull = await tracker.ReserveAsync(Ask(100), CancellationToken.None);
        time.SetUtcNow(new DateTimeOffset(2026, 3, 15, 1, 0, 0, TimeSpan.Zero));
        await SpendAsync(tracker, 100);
        time.Advance(TimeSpan.FromMinutes(1));
        await SpendAsync(tracker, 100);
        time.SetUtcNow(new DateTimeOffset(2026, 3, 15, 2, 0, 0, TimeSpan.Zero));
        var dayFull = await tracker.ReserveAsync(Ask(100), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(sameMinute.Verdict.Code, Is.EqualTo("budget.exceeded:user-minute-tokens"));
            Assert.That(sameMinute.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(lastMoment.Verdict.Code, Is.EqualTo("budget.exceeded:user-minute-tokens"));
            Assert.That(hourFull.Verdict.Code, Is.EqualTo("budget.exceeded:user-hour-tokens"));
            Assert.That(hourFull.Verdict.Evidence[BudgetCodes.EvidenceResetsAt], Is.EqualTo("2026-03-15T01:00:00Z"));
            Assert.That(dayFull.Verdict.Code, Is.EqualTo("budget.exceeded:user-day-tokens"));
            Assert.That(dayFull.Verdict.Evidence[BudgetCodes.EvidenceUsed], Is.EqualTo("400"));
            Assert.That(dayFull.RetryAfter, Is.EqualTo(TimeSpan.FromHours(22)));
        });
    }

    [TestCase(2026, 1, 31, 2026, 2, 1)]
    [TestCase(2028, 2, 29, 2028, 3, 1)]
    [TestCase(2026, 12, 31, 2027, 1, 1)]
    public async Task Month_windows_are_calendar_months(int year, int month, int day, int nextYear, int nextMonth, int nextDay)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(year, month, day, 23, 0, 0, TimeSpan.Zero));
        using var tracker = new InMemoryBudgetTracker(With(new BudgetLimit { Window = BudgetWindow.Month, CostUsd = 1m }), timeProvider: time);
        var spent = await tracker.ReserveAsync(Ask(10, costUsd: 1m), CancellationToken.None);
        await tracker.SettleAsync(spent, new TokenUsage(5, 5), 1m, CancellationToken.None);

        var denied = await tracker.ReserveAsync(Ask(10, costUsd: 0.01m), CancellationToken.None);
        time.SetUtcNow(new DateTimeOffset(nextYear, nextMonth, nextDay, 0, 0, 0, TimeSpan.Zero).AddTicks(-1));
        var stillDenied = await tracker.ReserveAsync(Ask(10, costUsd: 0.01m), CancellationToken.None);
        time.Advance(TimeSpan.FromTicks(1));
        var nextMonthGranted = await tracker.ReserveAsync(Ask(10, costUsd: 0.01m), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(denied.Verdict.Code, Is.EqualTo("budget.exceeded:user-month-usd"));
            Assert.That(denied.RetryAfter, Is.EqualTo(TimeSpan.FromHours(1)));
            Assert.That(stillDenied.IsGranted, Is.False);
            Assert.That(nextMonthGranted.IsGranted, Is.True);
        });
    }

    [Test]
    public async Task Holds_carry_over_a_roll_over_and_settle_into_the_window_current_at_settle_time()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 9, 59, 0, TimeSpan.Zero));
        using var tracker = new InMemoryBudgetTracker(TokenLimit(1_000), timeProvider: time);
        var inFlight = await tracker.ReserveAsync(Ask(800), CancellationToken.None);

        time.Advance(TimeSpan.FromMinutes(2));
        var deniedByTheHold = await tracker.ReserveAsync(Ask(300), CancellationToken.None);
        await tracker.SettleAsync(inFlight, new TokenUsage(300, 100), null, CancellationToken.None);
        var usage = await tracker.GetUsageAsync(BudgetScope.User, "user-a", BudgetWindow.Hour, CancellationToken.None);

        Assert.That(deniedByTheHold.Verdict.Evidence[BudgetCodes.EvidenceReserved], Is.EqualTo("800"));
        Assert.That((usage.WindowStart, usage.Tokens, usage.HeldTokens), Is.EqualTo((new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.Zero), 400L, 0L)));
    }

    [Test]
    public async Task Alerts_fire_again_in_the_next_window()
    {
        var sink = new RecordingAlertSink();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.Zero));
        using var tracker = new InMemoryBudgetTracker(TokenLimit(1_000), sink.Dispatcher(), time);

        await SpendAsync(tracker, 900);
        await SpendAsync(tracker, 50);
        time.Advance(TimeSpan.FromHours(1));
        await SpendAsync(tracker, 850);

        Assert.That(sink.Alerts.Select(a => (a.Threshold, a.WindowStart.Hour, a.Used)), Is.EqualTo(new[] { (0.8, 10, 900m), (0.8, 11, 850m) }));
    }

    [Test]
    public async Task Idle_keys_are_dropped_without_changing_behaviour()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.Zero));
        using var tracker = new InMemoryBudgetTracker(TokenLimit(1_000), timeProvider: time);
        for (var i = 0; i < 50; i++)
        {
            await SpendAsync(tracker, 10, "user-" + i);
        }

        var open = await tracker.ReserveAsync(Ask(500, "holder"), CancellationToken.None);
        Assert.That(tracker.KeyCount, Is.EqualTo(51));

        time.Advance(TimeSpan.FromHours(1));
        await SpendAsync(tracker, 10, "newcomer");

        Assert.That(tracker.KeyCount, Is.EqualTo(2), "only the key with an outstanding reservation and the new one are kept");
        var deniedByTheHold = await tracker.ReserveAsync(Ask(600, "holder"), CancellationToken.None);
        Assert.That(deniedByTheHold.IsGranted, Is.False);
        await tracker.ReleaseAsync(open, CancellationToken.None);
    }

    [Test]
    public void Invalid_options_are_rejected_with_the_reason()
    {
        Assert.That(() => new InMemoryBudgetTracker(With(new BudgetLimit { Window = BudgetWindow.Day })), Throws.ArgumentException.With.Message.Contains("must limit"));
        Assert.That(() => new InMemoryBudgetTracker(With(new BudgetLimit { Tokens = 0 })), Throws.ArgumentException);
        Assert.That(() => new InMemoryBudgetTracker(With(new BudgetLimit { Tokens = 1 }, new BudgetLimit { Requests = 1 })), Throws.ArgumentException.With.Message.Contains("repeated"));
        var badThreshold = TokenLimit(10);
        badThreshold.AlertThresholds.Add(0);
        Assert.That(() => new InMemoryBudgetTracker(badThreshold), Throws.ArgumentException);
        var badRate = TokenLimit(10);
        badRate.RequestsPerMinute = 0;
        Assert.That(() => new InMemoryBudgetTracker(badRate), Throws.ArgumentException);
        Assert.That(() => new InMemoryBudgetTracker(null!), Throws.ArgumentNullException);
    }

    [Test]
    public void Empty_options_mean_the_documented_defaults()
    {
        var options = new BudgetOptions();

        Assert.That(options.EffectiveLimits.Single().ToString(), Is.EqualTo("user-hour"));
        Assert.That(options.EffectiveLimits.Single().Tokens, Is.EqualTo(200_000));
        Assert.That(options.EffectiveAlertThresholds, Is.EqualTo(new[] { 0.8, 1.0 }));
        Assert.That(options.EffectiveRequestBurst, Is.EqualTo(60));
    }

    private static async Task SpendAsync(InMemoryBudgetTracker tracker, int tokens, string user = "user-a")
    {
        var reservation = await tracker.ReserveAsync(Ask(tokens, user), CancellationToken.None);
        Assert.That(reservation.IsGranted, Is.True, reservation.Verdict.Code);
        await tracker.SettleAsync(reservation, new TokenUsage(tokens / 2, tokens - (tokens / 2)), null, CancellationToken.None);
    }
}
