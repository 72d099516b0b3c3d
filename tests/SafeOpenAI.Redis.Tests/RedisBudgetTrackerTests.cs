namespace SafeOpenAI.Redis.Tests;

public class RedisBudgetTrackerTests
{
    private static readonly DateTimeOffset s_noon = new(2025, 3, 14, 12, 30, 0, TimeSpan.Zero);

    [Test]
    public async Task Grants_within_the_limit_and_names_scope_window_and_reset_when_it_runs_out()
    {
        await using var tracker = RedisTest.Tracker(RedisTest.Options(), RedisTest.Budget(new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Hour, Tokens = 1_000 }));
        tracker.TimeOverride = s_noon;

        var first = await tracker.ReserveAsync(RedisTest.Request(600), CancellationToken.None);
        await tracker.SettleAsync(first, new TokenUsage(500, 100), null, CancellationToken.None);
        var second = await tracker.ReserveAsync(RedisTest.Request(401), CancellationToken.None);

        Assert.That(first.IsGranted, Is.True);
        Assert.That(second.IsGranted, Is.False);
        Assert.That(second.Verdict.Code, Is.EqualTo("budget.exceeded:user-hour-tokens"));
        Assert.That(second.Verdict.Evidence["scope"], Is.EqualTo("user"));
        Assert.That(second.Verdict.Evidence["window"], Is.EqualTo("hour"));
        Assert.That(second.Verdict.Evidence["used"], Is.EqualTo("600"));
        Assert.That(second.Verdict.Evidence["requested"], Is.EqualTo("401"));
        Assert.That(second.Verdict.Evidence["resets_at"], Is.EqualTo("2025-03-14T13:00:00Z"));
        Assert.That(second.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(30)));
        var fits = await tracker.ReserveAsync(RedisTest.Request(400), CancellationToken.None);
        Assert.That(fits.IsGranted, Is.True);
    }

    [Test]
    public async Task A_request_larger_than_the_whole_limit_is_denied_without_retry_after()
    {
        await using var tracker = RedisTest.Tracker(RedisTest.Options(), RedisTest.Budget(new BudgetLimit { Tokens = 100 }));

        var denied = await tracker.ReserveAsync(RedisTest.Request(101), CancellationToken.None);

        Assert.That(denied.IsGranted, Is.False);
        Assert.That(denied.Verdict.Evidence["reason"], Is.EqualTo("request_exceeds_limit"));
        Assert.That(denied.RetryAfter, Is.Null);
    }

    [Test]
    public async Task Holds_count_until_released_and_settling_commits_the_billed_usage()
    {
        await using var tracker = RedisTest.Tracker(RedisTest.Options(), RedisTest.Budget(new BudgetLimit { Tokens = 1_000, Requests = 10 }));

        var first = await tracker.ReserveAsync(RedisTest.Request(600), CancellationToken.None);
        var blocked = await tracker.ReserveAsync(RedisTest.Request(600), CancellationToken.None);
        var held = await tracker.GetUsageAsync(BudgetScope.User, "user-a", BudgetWindow.Hour, CancellationToken.None);
        await tracker.ReleaseAsync(first, CancellationToken.None);
        var second = await tracker.ReserveAsync(RedisTest.Request(600), CancellationToken.None);
        await tracker.SettleAsync(second, new TokenUsage(300, 50), null, CancellationToken.None);
        var after = await tracker.GetUsageAsync(BudgetScope.User, "user-a", BudgetWindow.Hour, CancellationToken.None);

        Assert.That(blocked.IsGranted, Is.False);
        Assert.That((held.HeldTokens, held.HeldRequests, held.Tokens), Is.EqualTo((600L, 1L, 0L)));
        Assert.That(second.IsGranted, Is.True);
        Assert.That((after.Tokens, after.Requests, after.HeldTokens, after.HeldRequests), Is.EqualTo((350L, 1L, 0L, 0L)));
    }

    [Test]
    public async Task Settling_or_releasing_twice_or_a_denial_throws()
    {
        await using var tracker = RedisTest.Tracker(RedisTest.Options(), RedisTest.Budget(new BudgetLimit { Tokens = 100 }));
        var granted = await tracker.ReserveAsync(RedisTest.Request(10), CancellationToken.None);
        var denied = await tracker.ReserveAsync(RedisTest.Request(1_000), CancellationToken.None);
        await tracker.SettleAsync(granted, new TokenUsage(5, 5), null, CancellationToken.None);

        Assert.ThrowsAsync<InvalidOperationException>(async () => await tracker.SettleAsync(granted, new TokenUsage(5, 5), null, CancellationToken.None));
        Assert.ThrowsAsync<InvalidOperationException>(async () => await tracker.ReleaseAsync(granted, CancellationToken.None));
        Assert.ThrowsAsync<InvalidOperationException>(async () => await tracker.ReleaseAsync(denied, CancellationToken.None));
        var usage = await tracker.GetUsageAsync(BudgetScope.User, "user-a", BudgetWindow.Hour, CancellationToken.None);
        Assert.That(usage.Tokens, Is.EqualTo(10));
    }

    [Test]
    public async Task Costs_are_exact_to_the_nano_dollar_and_an_unknown_cost_is_denied_when_a_cost_limit_applies()
    {
        await using var tracker = RedisTest.Tracker(RedisTest.Options(), RedisTest.Budget(new BudgetLimit { Scope = BudgetScope.Tenant, Window = BudgetWindow.Day, CostUsd = 0.000003m }));

        var unknown = await tracker.ReserveAsync(RedisTest.Request(10, tenant: "acme", cost: null), CancellationToken.None);
        var noTenant = await tracker.ReserveAsync(RedisTest.Request(10, cost: null), CancellationToken.None);
        var first = await tracker.ReserveAsync(RedisTest.Request(10, tenant: "acme", cost: 0.000002m), CancellationToken.None);
        await tracker.SettleAsync(first, new TokenUsage(5, 5), 0.0000015m, CancellationToken.None);
        var exact = await tracker.ReserveAsync(RedisTest.Request(10, tenant: "acme", cost: 0.0000015m), CancellationToken.None);
        var over = await tracker.ReserveAsync(RedisTest.Request(10, tenant: "acme", cost: 0.000000001m), CancellationToken.None);

        Assert.That(unknown.Verdict.Code, Is.EqualTo(BudgetCodes.CostUnknown));
        Assert.That(noTenant.IsGranted, Is.True, "a tenant limit does not apply to a call without a tenant");
        Assert.That(exact.IsGranted, Is.True);
        Assert.That(over.Verdict.Code, Is.EqualTo("budget.exceeded:tenant-day-usd"));
        Assert.That(over.Verdict.Evidence["used"], Is.EqualTo("0.0000015"));
        Assert.That(over.Verdict.Evidence["reserved"], Is.EqualTo("0.0000015"));
    }

    [Test]
    public async Task When_several_limits_deny_the_one_that_resets_last_is_named()
    {
        await using var tracker = RedisTest.Tracker(RedisTest.Options(), RedisTest.Budget(
            new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Hour, Tokens = 100 },
            new BudgetLimit { Scope = BudgetScope.Global, Window = BudgetWindow.Month, Tokens = 100 },
            new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Day, Requests = 1 }));
        tracker.TimeOverride = s_noon;
        var first = await tracker.ReserveAsync(RedisTest.Request(100), CancellationToken.None);
        await tracker.SettleAsync(first, new TokenUsage(100, 0), null, CancellationToken.None);

        var denied = await tracker.ReserveAsync(RedisTest.Request(1), CancellationToken.None);

        Assert.That(denied.Verdict.Code, Is.EqualTo("budget.exceeded:global-month-tokens"));
        Assert.That(denied.Verdict.Evidence["resets_at"], Is.EqualTo("2025-04-01T00:00:00Z"));
    }

    [Test]
    public async Task The_request_rate_is_a_token_bucket_on_the_redis_clock_and_budget_denials_take_no_permit()
    {
        var budget = RedisTest.Budget(new BudgetLimit { Tokens = 1_000 });
        budget.RequestsPerMinute = 60;
        budget.RequestBurst = 2;
        await using var tracker = RedisTest.Tracker(RedisTest.Options(), budget);
        tracker.TimeOverride = s_noon;

        var tooBig = await tracker.ReserveAsync(RedisTest.Request(2_000), CancellationToken.None);
        var one = await tracker.ReserveAsync(RedisTest.Request(1), CancellationToken.None);
        var two = await tracker.ReserveAsync(RedisTest.Request(1), CancellationToken.None);
        var three = await tracker.ReserveAsync(RedisTest.Request(1), CancellationToken.None);
        var otherUser = await tracker.ReserveAsync(RedisTest.Request(1, user: "user-b"), CancellationToken.None);
        tracker.TimeOverride = s_noon.AddSeconds(1);
        var later = await tracker.ReserveAsync(RedisTest.Request(1), CancellationToken.None);

        Assert.That(tooBig.Verdict.Code, Does.StartWith("budget.exceeded"));
        Assert.That((one.IsGranted, two.IsGranted), Is.EqualTo((true, true)), "the budget denial took no permit");
        Assert.That(three.Verdict.Code, Is.EqualTo(BudgetCodes.RateLimited));
        Assert.That(three.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(three.Verdict.Evidence["retry_after_seconds"], Is.EqualTo("1"));
        Assert.That(otherUser.IsGranted, Is.True);
        Assert.That(later.IsGranted, Is.True);
    }

    [Test]
    public async Task A_reservation_never_settled_is_given_back_after_the_reservation_timeout()
    {
        var options = RedisTest.Options();
        options.ReservationTimeout = TimeSpan.FromSeconds(30);
        await using var tracker = RedisTest.Tracker(options, RedisTest.Budget(new BudgetLimit { Tokens = 1_000 }));
        tracker.TimeOverride = s_noon;
        var abandoned = await tracker.ReserveAsync(RedisTest.Request(900), CancellationToken.None);
        var before = await tracker.GetUsageAsync(BudgetScope.User, "user-a", BudgetWindow.Hour, CancellationToken.None);

        tracker.TimeOverride = s_noon.AddSeconds(29);
        var stillHeld = await tracker.ReserveAsync(RedisTest.Request(200), CancellationToken.None);
        tracker.TimeOverride = s_noon.AddSeconds(31);
        var reaped = await tracker.ReserveAsync(RedisTest.Request(200), CancellationToken.None);

        Assert.That(abandoned.IsGranted, Is.True);
        Assert.That(before.HeldTokens, Is.EqualTo(900));
        Assert.That(stillHeld.IsGranted, Is.False);
        Assert.That(reaped.IsGranted, Is.True);
        var after = await tracker.GetUsageAsync(BudgetScope.User, "user-a", BudgetWindow.Hour, CancellationToken.None);
        Assert.That(after.HeldTokens, Is.EqualTo(200));

        // A late settlement of the reaped reservation still commits what was billed, once.
        await tracker.SettleAsync(abandoned, new TokenUsage(100, 0), null, CancellationToken.None);
        var settled = await tracker.GetUsageAsync(BudgetScope.User, "user-a", BudgetWindow.Hour, CancellationToken.None);
        Assert.That((settled.Tokens, settled.HeldTokens), Is.EqualTo((100L, 200L)));
    }

    [Test]
    public async Task Limits_without_a_key_in_their_scope_do_not_apply_and_holds_are_per_key()
    {
        await using var tracker = RedisTest.Tracker(RedisTest.Options(), RedisTest.Budget(
            new BudgetLimit { Scope = BudgetScope.Session, Window = BudgetWindow.Hour, Tokens = 100 },
            new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Hour, Tokens = 150 }));

        var s1 = await tracker.ReserveAsync(RedisTest.Request(100, session: "s1"), CancellationToken.None);
        var s1Again = await tracker.ReserveAsync(RedisTest.Request(1, session: "s1"), CancellationToken.None);
        var s2 = await tracker.ReserveAsync(RedisTest.Request(50, session: "s2"), CancellationToken.None);
        var noSession = await tracker.ReserveAsync(RedisTest.Request(1), CancellationToken.None);

        Assert.That(s1.IsGranted, Is.True);
        Assert.That(s1Again.Verdict.Code, Is.EqualTo("budget.exceeded:session-hour-tokens"));
        Assert.That(s2.IsGranted, Is.True);
        Assert.That(noSession.Verdict.Code, Is.EqualTo("budget.exceeded:user-hour-tokens"));
    }

    [Test]
    public void Invalid_options_are_rejected_with_the_key_named()
    {
        var options = RedisTest.Options();
        options.KeyPrefix = "safeopenai";
        options.ReservationTimeout = TimeSpan.Zero;

        var error = Assert.Throws<ArgumentException>(() => RedisTest.Tracker(options, RedisTest.Budget()));

        Assert.That(error!.Message, Does.Contain("SafeOpenAI:Redis:KeyPrefix").And.Contain("SafeOpenAI:Redis:ReservationTimeout"));
    }
}
