using static SafeOpenAI.Tests.Budget.BudgetTestOptions;

namespace SafeOpenAI.Tests.Budget;

/// <summary>
/// The rules every budget tracker SafeOpenAI ships must follow (the remarks of
/// <see cref="IBudgetTracker"/>), run against each implementation by a subclass. The trackers run
/// on their own clocks, so these tests use day and month windows only and never wait.
/// </summary>
public abstract class BudgetTrackerContractTests
{
    private readonly List<object> _created = [];

    /// <summary>Creates the tracker under test; it also reads usage.</summary>
    protected abstract Task<IBudgetTracker> CreateTrackerAsync(BudgetOptions options, BudgetAlertDispatcher alerts);

    /// <summary>The tracker's current time, as its windows see it.</summary>
    protected abstract Task<DateTimeOffset> NowAsync(IBudgetTracker tracker);

    [TearDown]
    public async Task DisposeTrackersAsync()
    {
        foreach (var tracker in _created)
        {
            switch (tracker)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }

        _created.Clear();
    }

    [Test]
    public async Task Grants_until_the_limit_then_denies_naming_scope_window_and_reset()
    {
        var tracker = await CreateAsync(TokenLimit(1_000, BudgetWindow.Day));

        var first = await tracker.ReserveAsync(Ask(600), CancellationToken.None);
        var second = await tracker.ReserveAsync(Ask(500), CancellationToken.None);
        var now = await NowAsync(tracker);

        Assert.That(first.IsGranted, Is.True);
        Assert.That(first.RetryAfter, Is.Null);
        Assert.That(second.IsGranted, Is.False);
        var evidence = second.Verdict.Evidence;
        var resetsAt = BudgetWindows.EndOf(BudgetWindow.Day, now);
        Assert.Multiple(() =>
        {
            Assert.That(second.Verdict.Stage, Is.EqualTo(tracker.Name));
            Assert.That(second.Verdict.Code, Is.EqualTo("budget.exceeded:user-day-tokens"));
            Assert.That(evidence[BudgetCodes.EvidenceScope], Is.EqualTo("user"));
            Assert.That(evidence[BudgetCodes.EvidenceWindow], Is.EqualTo("day"));
            Assert.That(evidence[BudgetCodes.EvidenceMetric], Is.EqualTo("tokens"));
            Assert.That(evidence[BudgetCodes.EvidenceLimit], Is.EqualTo("1000"));
            Assert.That(evidence[BudgetCodes.EvidenceUsed], Is.EqualTo("0"));
            Assert.That(evidence[BudgetCodes.EvidenceReserved], Is.EqualTo("600"));
            Assert.That(evidence[BudgetCodes.EvidenceRequested], Is.EqualTo("500"));
            Assert.That(evidence[BudgetCodes.EvidenceResetsAt], Is.EqualTo(BudgetCodes.FormatInstant(resetsAt)));
            Assert.That(second.Verdict.UserMessage, Does.Contain(BudgetCodes.FormatInstant(resetsAt)));
            Assert.That(second.RetryAfter!.Value, Is.EqualTo(resetsAt - now).Within(TimeSpan.FromSeconds(5)));
        });
    }

    [Test]
    public async Task Settle_commits_the_billed_usage_and_release_returns_the_hold()
    {
        var tracker = await CreateAsync(With(new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Month, Tokens = 10_000, Requests = 100, CostUsd = 5m }));
        var settled = await tracker.ReserveAsync(Ask(600, costUsd: 0.02m), CancellationToken.None);
        var released = await tracker.ReserveAsync(Ask(400, costUsd: 0.01m), CancellationToken.None);
        var open = await tracker.ReserveAsync(Ask(300, costUsd: 0.005m), CancellationToken.None);

        var held = await UsageAsync(tracker, BudgetScope.User, "user-a", BudgetWindow.Month);
        await tracker.SettleAsync(settled, new TokenUsage(100, 50, CachedInputTokens: 20, ReasoningTokens: 10), 0.0015m, CancellationToken.None);
        await tracker.ReleaseAsync(released, CancellationToken.None);
        var after = await UsageAsync(tracker, BudgetScope.User, "user-a", BudgetWindow.Month);

        Assert.Multiple(() =>
        {
            Assert.That((held.HeldTokens, held.HeldRequests, held.HeldCostUsd), Is.EqualTo((1_300L, 3L, 0.035m)));
            Assert.That((after.Tokens, after.Requests, after.CostUsd), Is.EqualTo((150L, 1L, 0.0015m)));
            Assert.That((after.HeldTokens, after.HeldRequests, after.HeldCostUsd), Is.EqualTo((300L, 1L, 0.005m)));
        });
        await tracker.ReleaseAsync(open, CancellationToken.None);
    }

    [Test]
    public async Task A_settlement_without_a_cost_commits_the_estimate_never_zero()
    {
        var tracker = await CreateAsync(With(new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Month, CostUsd = 1m }));
        var reservation = await tracker.ReserveAsync(Ask(100, costUsd: 0.25m), CancellationToken.None);

        await tracker.SettleAsync(reservation, new TokenUsage(10, 10), costUsd: null, CancellationToken.None);

        Assert.That((await UsageAsync(tracker, BudgetScope.User, "user-a", BudgetWindow.Month)).CostUsd, Is.EqualTo(0.25m));
    }

    [Test]
    public async Task A_request_larger_than_the_whole_limit_is_denied_without_retry_after()
    {
        var tracker = await CreateAsync(TokenLimit(1_000, BudgetWindow.Day));

        var denied = await tracker.ReserveAsync(Ask(1_001), CancellationToken.None);

        Assert.That(denied.IsGranted, Is.False);
        Assert.That(denied.RetryAfter, Is.Null);
        Assert.That(denied.Verdict.Evidence[BudgetCodes.EvidenceReason], Is.EqualTo(BudgetCodes.RequestExceedsLimit));
    }

    [Test]
    public async Task Each_scope_counts_its_own_key_and_a_scope_without_a_key_does_not_apply()
    {
        var tracker = await CreateAsync(With(
            new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Day, Tokens = 1_000 },
            new BudgetLimit { Scope = BudgetScope.Session, Window = BudgetWindow.Day, Tokens = 1_500 },
            new BudgetLimit { Scope = BudgetScope.Tenant, Window = BudgetWindow.Day, Tokens = 2_500 },
            new BudgetLimit { Scope = BudgetScope.Global, Window = BudgetWindow.Day, Tokens = 3_500 }));

        var alice = await tracker.ReserveAsync(Ask(1_000, "alice", session: "s1", tenant: "acme"), CancellationToken.None);
        var bobSameSession = await tracker.ReserveAsync(Ask(600, "bob", session: "s1", tenant: "acme"), CancellationToken.None);
        var bobOwnSession = await tracker.ReserveAsync(Ask(600, "bob", session: "s2", tenant: "acme"), CancellationToken.None);
        var carolSameTenant = await tracker.ReserveAsync(Ask(1_000, "carol", tenant: "acme"), CancellationToken.None);
        var carolNoTenant = await tracker.ReserveAsync(Ask(1_000, "carol"), CancellationToken.None);
        var daveOverGlobal = await tracker.ReserveAsync(Ask(1_000, "dave"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(alice.IsGranted, Is.True);
            Assert.That(bobSameSession.Verdict.Code, Is.EqualTo("budget.exceeded:session-day-tokens"));
            Assert.That(bobOwnSession.IsGranted, Is.True);
            Assert.That(carolSameTenant.Verdict.Code, Is.EqualTo("budget.exceeded:tenant-day-tokens"));
            Assert.That(carolNoTenant.IsGranted, Is.True, "a call without a tenant is not counted by tenant limits");
            Assert.That(daveOverGlobal.Verdict.Code, Is.EqualTo("budget.exceeded:global-day-tokens"));
            Assert.That(daveOverGlobal.Verdict.UserMessage, Does.StartWith("The service has reached its usage limit"));
        });
    }

    [Test]
    public async Task Requests_and_USD_are_limited_like_tokens()
    {
        var tracker = await CreateAsync(With(
            new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Day, Requests = 2 },
            new BudgetLimit { Scope = BudgetScope.Tenant, Window = BudgetWindow.Month, CostUsd = 1m }));

        var one = await tracker.ReserveAsync(Ask(10, tenant: "acme", costUsd: 0.4m), CancellationToken.None);
        var two = await tracker.ReserveAsync(Ask(10, tenant: "acme", costUsd: 0.4m), CancellationToken.None);
        var threeRequests = await tracker.ReserveAsync(Ask(10, tenant: "acme", costUsd: 0.1m), CancellationToken.None);
        var overUsd = await tracker.ReserveAsync(Ask(10, "other", tenant: "acme", costUsd: 0.3m), CancellationToken.None);
        var unpriced = await tracker.ReserveAsync(Ask(10, "other", tenant: "acme", costUsd: null), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(one.IsGranted && two.IsGranted, Is.True);
            Assert.That(threeRequests.Verdict.Code, Is.EqualTo("budget.exceeded:user-day-requests"));
            Assert.That(threeRequests.Verdict.Evidence[BudgetCodes.EvidenceReserved], Is.EqualTo("2"));
            Assert.That(overUsd.Verdict.Code, Is.EqualTo("budget.exceeded:tenant-month-usd"));
            Assert.That(overUsd.Verdict.Evidence[BudgetCodes.EvidenceReserved], Is.EqualTo("0.8"));
            Assert.That(overUsd.Verdict.Evidence[BudgetCodes.EvidenceRequested], Is.EqualTo("0.3"));
            Assert.That(unpriced.Verdict.Code, Is.EqualTo(BudgetCodes.CostUnknown));
        });
    }

    [Test]
    public async Task When_several_limits_deny_the_verdict_names_the_one_that_resets_last()
    {
        var tracker = await CreateAsync(With(
            new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Day, Tokens = 1_000 },
            new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Month, Tokens = 1_000 }));
        var first = await tracker.ReserveAsync(Ask(900), CancellationToken.None);
        await tracker.SettleAsync(first, new TokenUsage(450, 450), null, CancellationToken.None);

        var denied = await tracker.ReserveAsync(Ask(200), CancellationToken.None);
        var now = await NowAsync(tracker);

        Assert.That(denied.Verdict.Code, Is.EqualTo("budget.exceeded:user-month-tokens"));
        Assert.That(denied.RetryAfter!.Value, Is.EqualTo(BudgetWindows.EndOf(BudgetWindow.Month, now) - now).Within(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task The_request_rate_denies_with_a_retry_after_and_budget_denials_use_no_permit()
    {
        var options = TokenLimit(1_000, BudgetWindow.Day);
        options.RequestsPerMinute = 2;
        var tracker = await CreateAsync(options);

        var tooLarge = await tracker.ReserveAsync(Ask(5_000), CancellationToken.None);
        var one = await tracker.ReserveAsync(Ask(10), CancellationToken.None);
        var two = await tracker.ReserveAsync(Ask(10), CancellationToken.None);
        var three = await tracker.ReserveAsync(Ask(10), CancellationToken.None);
        var otherUser = await tracker.ReserveAsync(Ask(10, "user-b"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(tooLarge.Verdict.Code, Is.EqualTo("budget.exceeded:user-day-tokens"));
            Assert.That(one.IsGranted && two.IsGranted, Is.True, "the budget denial did not use up a permit");
            Assert.That(three.Verdict.Code, Is.EqualTo(BudgetCodes.RateLimited));
            Assert.That(three.RetryAfter, Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(TimeSpan.FromSeconds(31)));
            Assert.That(int.Parse(three.Verdict.Evidence[BudgetCodes.EvidenceRetryAfterSeconds], System.Globalization.CultureInfo.InvariantCulture), Is.InRange(1, 31));
            Assert.That(otherUser.IsGranted, Is.True, "the rate is per user");
        });
    }

    [Test]
    public async Task Alerts_fire_once_per_threshold_and_window()
    {
        var sink = new RecordingAlertSink();
        var options = TokenLimit(1_000, BudgetWindow.Month);
        options.AlertThresholds.Add(0.5);
        options.AlertThresholds.Add(1.0);
        var tracker = await CreateAsync(options, sink.Dispatcher());

        await SpendAsync(tracker, 600);
        await SpendAsync(tracker, 100);
        var denied = await tracker.ReserveAsync(Ask(400), CancellationToken.None);
        var deniedAgain = await tracker.ReserveAsync(Ask(400), CancellationToken.None);
        var now = await NowAsync(tracker);

        Assert.That(denied.IsGranted || deniedAgain.IsGranted, Is.False);
        Assert.That(sink.Alerts, Has.Count.EqualTo(2));
        var half = sink.Alerts[0];
        var exhausted = sink.Alerts[1];
        Assert.Multiple(() =>
        {
            Assert.That((half.Threshold, half.Used, half.Limit, half.Denied), Is.EqualTo((0.5, 600m, 1_000m, false)));
            Assert.That((half.Scope, half.Key, half.Window, half.Metric), Is.EqualTo((BudgetScope.User, "user-a", BudgetWindow.Month, BudgetMetric.Tokens)));
            Assert.That(half.LimitName, Is.EqualTo("user-month-tokens"));
            Assert.That(half.Tracker, Is.EqualTo(tracker.Name));
            Assert.That(half.WindowStart, Is.EqualTo(BudgetWindows.StartOf(BudgetWindow.Month, now)));
            Assert.That(half.ResetsAt, Is.EqualTo(BudgetWindows.EndOf(BudgetWindow.Month, now)));
            Assert.That((exhausted.Threshold, exhausted.Used, exhausted.Denied), Is.EqualTo((1.0, 700m, true)));
        });
    }

    [Test]
    public async Task Concurrent_alerts_fire_exactly_once()
    {
        var sink = new RecordingAlertSink();
        var options = TokenLimit(100_000, BudgetWindow.Month);
        var tracker = await CreateAsync(options, sink.Dispatcher());

        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => SpendAsync(tracker, 450))));

        Assert.That(sink.Alerts.Select(a => a.Threshold), Is.EqualTo(new[] { 0.8 }), "90,000 of 100,000 tokens crosses 80 % once, and 100 % never");
    }

    [Test]
    public async Task Concurrent_reservations_never_overspend_and_nothing_stays_reserved()
    {
        const long limit = 50_000;
        var tracker = await CreateAsync(TokenLimit(limit, BudgetWindow.Month));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 1_000).Select(i => Task.Run(async () =>
        {
            var reservation = await tracker.ReserveAsync(Ask(100 + (i % 7 * 50)), CancellationToken.None);
            if (!reservation.IsGranted)
            {
                return (Granted: false, Spent: 0L);
            }

            if (i % 5 == 0)
            {
                // A failed or cancelled call: the pipeline releases it.
                await tracker.ReleaseAsync(reservation, CancellationToken.None);
                return (Granted: true, Spent: 0L);
            }

            var billed = new TokenUsage(reservation.Request.PromptTokens, reservation.Request.MaxOutputTokens / 2);
            await tracker.SettleAsync(reservation, billed, null, CancellationToken.None);
            return (Granted: true, Spent: (long)billed.TotalTokens);
        })));

        var usage = await UsageAsync(tracker, BudgetScope.User, "user-a", BudgetWindow.Month);
        Assert.Multiple(() =>
        {
            Assert.That(outcomes.Count(o => o.Granted), Is.GreaterThan(0).And.LessThan(1_000));
            Assert.That(usage.Tokens, Is.EqualTo(outcomes.Sum(o => o.Spent)));
            Assert.That(usage.Tokens, Is.LessThanOrEqualTo(limit));
            Assert.That((usage.HeldTokens, usage.HeldRequests), Is.EqualTo((0L, 0L)));
        });
    }

    [Test]
    public async Task Settle_and_release_happen_once_and_only_for_granted_reservations()
    {
        var tracker = await CreateAsync(TokenLimit(1_000, BudgetWindow.Day));
        var granted = await tracker.ReserveAsync(Ask(600), CancellationToken.None);
        var denied = await tracker.ReserveAsync(Ask(600), CancellationToken.None);

        await tracker.SettleAsync(granted, new TokenUsage(10, 10), null, CancellationToken.None);

        Assert.That(async () => await tracker.SettleAsync(granted, new TokenUsage(10, 10), null, CancellationToken.None), Throws.InvalidOperationException);
        Assert.That(async () => await tracker.ReleaseAsync(granted, CancellationToken.None), Throws.InvalidOperationException);
        Assert.That(async () => await tracker.ReleaseAsync(denied, CancellationToken.None), Throws.InvalidOperationException);
        Assert.That((await UsageAsync(tracker, BudgetScope.User, "user-a", BudgetWindow.Day)).Tokens, Is.EqualTo(20));
    }

    [Test]
    public async Task Bad_arguments_are_reported()
    {
        var tracker = await CreateAsync(TokenLimit(1_000, BudgetWindow.Day));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        Assert.That(async () => await tracker.ReserveAsync(null!, CancellationToken.None), Throws.ArgumentNullException);
        Assert.That(async () => await tracker.ReserveAsync(Ask(10, user: ""), CancellationToken.None), Throws.ArgumentException);
        Assert.That(async () => await tracker.ReserveAsync(Ask(10), cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(async () => await ((IBudgetUsageReader)tracker).GetUsageAsync(BudgetScope.User, "", BudgetWindow.Day, CancellationToken.None), Throws.ArgumentException);
    }

    protected async Task<IBudgetTracker> CreateAsync(BudgetOptions options, BudgetAlertDispatcher? alerts = null)
    {
        var tracker = await CreateTrackerAsync(options, alerts ?? BudgetAlertDispatcher.None);
        _created.Add(tracker);
        return tracker;
    }

    protected static ValueTask<BudgetUsage> UsageAsync(IBudgetTracker tracker, BudgetScope scope, string key, BudgetWindow window) =>
        ((IBudgetUsageReader)tracker).GetUsageAsync(scope, key, window, CancellationToken.None);

    private static async Task SpendAsync(IBudgetTracker tracker, int tokens)
    {
        var reservation = await tracker.ReserveAsync(Ask(tokens), CancellationToken.None);
        Assert.That(reservation.IsGranted, Is.True, reservation.Verdict.Code);
        await tracker.SettleAsync(reservation, new TokenUsage(tokens / 2, tokens - (tokens / 2)), null, CancellationToken.None);
    }
}
