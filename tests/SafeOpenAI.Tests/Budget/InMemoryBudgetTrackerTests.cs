using Microsoft.Extensions.Time.Testing;

namespace SafeOpenAI.Tests.Budget;

public class InMemoryBudgetTrackerTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static BudgetRequest Ask(int tokens, string subject = "user-a") =>
        new(subject, "gpt-4o-mini", PromptTokens: tokens / 2, MaxOutputTokens: tokens - (tokens / 2), EstimatedCostUsd: null);

    private static (InMemoryBudgetTracker Tracker, FakeTimeProvider Time) Create(long? tokens = 1_000, int? rpm = null, TimeSpan? window = null, DateTimeOffset? start = null)
    {
        var time = new FakeTimeProvider(start ?? Start);
        var options = new InMemoryBudgetOptions { TokensPerWindow = tokens, RequestsPerMinute = rpm, TokenWindow = window ?? TimeSpan.FromHours(1) };
        return (new InMemoryBudgetTracker(options, time), time);
    }

    [Test]
    public async Task Grants_until_the_window_is_used_then_denies_with_evidence()
    {
        var (tracker, _) = Create(tokens: 1_000);

        var first = await tracker.ReserveAsync(Ask(600), CancellationToken.None);
        var second = await tracker.ReserveAsync(Ask(500), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(tracker.Name, Is.EqualTo("InMemoryBudget"));
            Assert.That(first.IsGranted, Is.True);
            Assert.That(first.RetryAfter, Is.Null);
            Assert.That(second.IsGranted, Is.False);
            Assert.That(second.Verdict.Action, Is.EqualTo(SafetyAction.Block));
            Assert.That(second.Verdict.Code, Is.EqualTo("budget.exceeded:user-window-tokens"));
            Assert.That(second.Verdict.UserMessage, Is.EqualTo("You have used your token allowance; it resets at 2025-01-01 01:00:00Z."));
            Assert.That(second.RetryAfter, Is.EqualTo(TimeSpan.FromHours(1)));
            Assert.That(second.Verdict.Evidence["limit_tokens"], Is.EqualTo("1000"));
            Assert.That(second.Verdict.Evidence["used_tokens"], Is.EqualTo("0"));
            Assert.That(second.Verdict.Evidence["reserved_tokens"], Is.EqualTo("600"));
            Assert.That(second.Verdict.Evidence["requested_tokens"], Is.EqualTo("500"));
            Assert.That(second.Verdict.Evidence["window_seconds"], Is.EqualTo("3600"));
            Assert.That(second.Verdict.Evidence["resets_at"], Is.EqualTo("2025-01-01T01:00:00Z"));
        });
    }

    [Test]
    public async Task Settle_replaces_the_hold_with_billed_usage()
    {
        var (tracker, _) = Create(tokens: 1_000);
        var reservation = await tracker.ReserveAsync(Ask(600), CancellationToken.None);

        await tracker.SettleAsync(reservation, new TokenUsage(100, 50), 0.01m, CancellationToken.None);

        var fits = await tracker.ReserveAsync(Ask(850), CancellationToken.None);
        var overflow = await tracker.ReserveAsync(Ask(1), CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(fits.IsGranted, Is.True);
            Assert.That(overflow.IsGranted, Is.False);
            Assert.That(overflow.Verdict.Evidence["used_tokens"], Is.EqualTo("150"));
            Assert.That(overflow.Verdict.Evidence["reserved_tokens"], Is.EqualTo("850"));
        });
    }

    [Test]
    public async Task Release_returns_the_whole_hold()
    {
        var (tracker, _) = Create(tokens: 1_000);
        var reservation = await tracker.ReserveAsync(Ask(1_000), CancellationToken.None);
        Assert.That((await tracker.ReserveAsync(Ask(1), CancellationToken.None)).IsGranted, Is.False);

        await tracker.ReleaseAsync(reservation, CancellationToken.None);

        Assert.That((await tracker.ReserveAsync(Ask(1_000), CancellationToken.None)).IsGranted, Is.True);
    }

    [Test]
    public async Task Subjects_have_separate_budgets()
    {
        var (tracker, _) = Create(tokens: 1_000);
        await tracker.ReserveAsync(Ask(1_000, "user-a"), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That((await tracker.ReserveAsync(Ask(1, "user-a"), CancellationToken.None)).IsGranted, Is.False);
            Assert.That((await tracker.ReserveAsync(Ask(1_000, "user-b"), CancellationToken.None)).IsGranted, Is.True);
        });
    }

    [Test]
    public async Task A_request_larger_than_the_limit_is_denied_without_retry()
    {
        var (tracker, _) = Create(tokens: 1_000);

        var denied = await tracker.ReserveAsync(Ask(1_001), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(denied.IsGranted, Is.False);
            Assert.That(denied.Verdict.Code, Is.EqualTo("budget.exceeded:user-window-tokens"));
            Assert.That(denied.Verdict.Evidence["requested_tokens"], Is.EqualTo("1001"));
            Assert.That(denied.Verdict.Evidence["limit_tokens"], Is.EqualTo("1000"));
            Assert.That(denied.Verdict.Evidence["reason"], Is.EqualTo("request_exceeds_limit"));
            Assert.That(denied.RetryAfter, Is.Null);
        });
    }

    [Test]
    public async Task Window_rolls_over_at_epoch_aligned_boundaries()
    {
        var (tracker, time) = Create(tokens: 1_000, start: Start.AddMinutes(30));
        var reservation = await tracker.ReserveAsync(Ask(1_000), CancellationToken.None);
        await tracker.SettleAsync(reservation, new TokenUsage(600, 400), null, CancellationToken.None);

        var denied = await tracker.ReserveAsync(Ask(1), CancellationToken.None);
        Assert.That(denied.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(30)));

        time.Advance(TimeSpan.FromMinutes(30) - TimeSpan.FromTicks(1));
        Assert.That((await tracker.ReserveAsync(Ask(1), CancellationToken.None)).IsGranted, Is.False);
        time.Advance(TimeSpan.FromTicks(1));
        Assert.That((await tracker.ReserveAsync(Ask(1_000), CancellationToken.None)).IsGranted, Is.True);
    }

    [Test]
    public async Task Holds_carry_over_a_roll_over_and_settle_into_the_new_window()
    {
        var (tracker, time) = Create(tokens: 1_000, start: Start.AddMinutes(59));
        var old = await tracker.ReserveAsync(Ask(800), CancellationToken.None);

        time.Advance(TimeSpan.FromMinutes(2)); // Now 01:01, a new window; the 800 are still in flight.
        var tooMuch = await tracker.ReserveAsync(Ask(300), CancellationToken.None);
        Assert.That(tooMuch.IsGranted, Is.False);
        Assert.That(tooMuch.Verdict.Evidence["reserved_tokens"], Is.EqualTo("800"));
        Assert.That(tooMuch.Verdict.Evidence["used_tokens"], Is.EqualTo("0"));

        await tracker.SettleAsync(old, new TokenUsage(300, 200), null, CancellationToken.None);

        var rest = await tracker.ReserveAsync(Ask(500), CancellationToken.None);
        var over = await tracker.ReserveAsync(Ask(1), CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(rest.IsGranted, Is.True);
            Assert.That(over.IsGranted, Is.False);
            Assert.That(over.Verdict.Evidence["used_tokens"], Is.EqualTo("500"));
            Assert.That(over.Verdict.Evidence["reserved_tokens"], Is.EqualTo("500"));
        });

        // Releasing the last hold in a later window leaves nothing held and nothing negative.
        time.Advance(TimeSpan.FromHours(1));
        await tracker.ReleaseAsync(rest, CancellationToken.None);
        Assert.That((await tracker.ReserveAsync(Ask(1_000), CancellationToken.None)).IsGranted, Is.True);
        var full = await tracker.ReserveAsync(Ask(1), CancellationToken.None);
        Assert.That(full.Verdict.Evidence["reserved_tokens"], Is.EqualTo("1000"));
    }

    [Test]
    public async Task Rate_limit_refills_steadily_on_the_time_provider()
    {
        var (tracker, time) = Create(tokens: null, rpm: 2);

        Assert.That((await tracker.ReserveAsync(Ask(10), CancellationToken.None)).IsGranted, Is.True);
        Assert.That((await tracker.ReserveAsync(Ask(10), CancellationToken.None)).IsGranted, Is.True);
        var denied = await tracker.ReserveAsync(Ask(10), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(denied.IsGranted, Is.False);
            Assert.That(denied.Verdict.Code, Is.EqualTo("rate_limit.exceeded:user-requests-per-minute"));
            Assert.That(denied.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(denied.Verdict.Evidence["limit_requests_per_minute"], Is.EqualTo("2"));
            Assert.That(denied.Verdict.Evidence["retry_after_seconds"], Is.EqualTo("30"));
        });

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.That((await tracker.ReserveAsync(Ask(10), CancellationToken.None)).IsGranted, Is.False);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.That((await tracker.ReserveAsync(Ask(10), CancellationToken.None)).IsGranted, Is.True);
        Assert.That((await tracker.ReserveAsync(Ask(10), CancellationToken.None)).IsGranted, Is.False);

        time.Advance(TimeSpan.FromMinutes(10)); // The bucket refills to its size, no further.
        Assert.That((await tracker.ReserveAsync(Ask(10), CancellationToken.None)).IsGranted, Is.True);
        Assert.That((await tracker.ReserveAsync(Ask(10), CancellationToken.None)).IsGranted, Is.True);
        Assert.That((await tracker.ReserveAsync(Ask(10), CancellationToken.None)).IsGranted, Is.False);
    }

    [Test]
    public async Task A_token_denial_does_not_use_a_request_permit()
    {
        var (tracker, _) = Create(tokens: 100, rpm: 1);

        var tooBig = await tracker.ReserveAsync(Ask(200), CancellationToken.None);
        var fits = await tracker.ReserveAsync(Ask(50), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(tooBig.Verdict.Code, Is.EqualTo("budget.exceeded:user-window-tokens"));
            Assert.That(fits.IsGranted, Is.True);
        });
    }

    [Test]
    public async Task Settle_and_release_happen_once_and_only_for_own_granted_reservations()
    {
        var (tracker, _) = Create(tokens: 1_000);
        var settled = await tracker.ReserveAsync(Ask(100), CancellationToken.None);
        var released = await tracker.ReserveAsync(Ask(100), CancellationToken.None);
        var denied = await tracker.ReserveAsync(Ask(5_000), CancellationToken.None);
        await tracker.SettleAsync(settled, new TokenUsage(10, 10), null, CancellationToken.None);
        await tracker.ReleaseAsync(released, CancellationToken.None);
        var foreign = new BudgetReservation(Ask(100), SafetyVerdict.Allow("Other"));

        Assert.Multiple(() =>
        {
            Assert.That(async () => await tracker.SettleAsync(settled, TokenUsage.Zero, null, CancellationToken.None), Throws.InvalidOperationException);
            Assert.That(async () => await tracker.ReleaseAsync(settled, CancellationToken.None), Throws.InvalidOperationException);
            Assert.That(async () => await tracker.ReleaseAsync(released, CancellationToken.None), Throws.InvalidOperationException);
            Assert.That(async () => await tracker.SettleAsync(released, TokenUsage.Zero, null, CancellationToken.None), Throws.InvalidOperationException);
            Assert.That(async () => await tracker.SettleAsync(denied, TokenUsage.Zero, null, CancellationToken.None), Throws.InvalidOperationException);
            Assert.That(async () => await tracker.ReleaseAsync(foreign, CancellationToken.None), Throws.InvalidOperationException);
        });

        // None of the failed calls changed the accounting: 20 committed, nothing held.
        var probe = await tracker.ReserveAsync(Ask(981), CancellationToken.None);
        Assert.That(probe.Verdict.Evidence["used_tokens"], Is.EqualTo("20"));
        Assert.That(probe.Verdict.Evidence["reserved_tokens"], Is.EqualTo("0"));
    }

    [Test]
    public async Task Concurrent_reservations_never_overspend()
    {
        var (tracker, _) = Create(tokens: 10_000, rpm: null);

        var reservations = await Task.WhenAll(Enumerable.Range(0, 1_000).Select(_ =>
            Task.Run(async () => await tracker.ReserveAsync(Ask(100), CancellationToken.None))));

        var granted = reservations.Where(r => r.IsGranted).ToArray();
        Assert.That(granted, Has.Length.EqualTo(100));
        Assert.That((await tracker.ReserveAsync(Ask(1), CancellationToken.None)).IsGranted, Is.False);

        await Task.WhenAll(granted.Select(r => Task.Run(async () => await tracker.ReleaseAsync(r, CancellationToken.None))));

        var whole = await tracker.ReserveAsync(Ask(10_000), CancellationToken.None);
        Assert.That(whole.IsGranted, Is.True);
    }

    [Test]
    public async Task Concurrent_settles_commit_exactly()
    {
        var (tracker, _) = Create(tokens: 100_000, rpm: null);
        var reservations = await Task.WhenAll(Enumerable.Range(0, 500).Select(_ =>
            Task.Run(async () => await tracker.ReserveAsync(Ask(100), CancellationToken.None))));

        await Task.WhenAll(reservations.Select(r => Task.Run(async () => await tracker.SettleAsync(r, new TokenUsage(7, 3), null, CancellationToken.None))));

        var probe = await tracker.ReserveAsync(Ask(100_000), CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(probe.Verdict.Evidence["used_tokens"], Is.EqualTo("5000"));
            Assert.That(probe.Verdict.Evidence["reserved_tokens"], Is.EqualTo("0"));
        });
    }

    [Test]
    public async Task Idle_subjects_are_evicted_without_changing_behaviour()
    {
        var (tracker, time) = Create(tokens: 1_000, rpm: 60);
        var done = await tracker.ReserveAsync(Ask(100, "idle"), CancellationToken.None);
        await tracker.SettleAsync(done, new TokenUsage(50, 50), null, CancellationToken.None);
        var open = await tracker.ReserveAsync(Ask(100, "busy"), CancellationToken.None);
        Assert.That(tracker.SubjectCount, Is.EqualTo(2));

        time.Advance(TimeSpan.FromHours(2));
        await tracker.ReserveAsync(Ask(100, "other"), CancellationToken.None);

        // "idle" is gone; "busy" still holds a reservation and is kept; "other" is new.
        Assert.That(tracker.SubjectCount, Is.EqualTo(2));
        await tracker.ReleaseAsync(open, CancellationToken.None);
        Assert.That((await tracker.ReserveAsync(Ask(1_000, "idle"), CancellationToken.None)).IsGranted, Is.True);
    }

    [Test]
    public void Invalid_options_and_cancellation_are_reported()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new InMemoryBudgetTracker(new InMemoryBudgetOptions { TokenWindow = TimeSpan.Zero }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new InMemoryBudgetTracker(new InMemoryBudgetOptions { RequestsPerMinute = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new InMemoryBudgetTracker(new InMemoryBudgetOptions { TokensPerWindow = -1 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(
                async () => await Create().Tracker.ReserveAsync(Ask(1), new CancellationToken(true)),
                Throws.InstanceOf<OperationCanceledException>());
        });
    }
}
