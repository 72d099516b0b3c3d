namespace SafeOpenAI.Redis.Tests;

/// <summary>The proofs of issue 5 that need many instances: no overspend, and alerts once per window.</summary>
public class RedisConcurrencyTests
{
    private enum Outcome
    {
        Denied,
        Settled,
        Failed,
        Cancelled,
    }

    [Test]
    public async Task Eight_instances_with_a_thousand_concurrent_reservations_each_never_overspend_and_leak_nothing()
    {
        const long limit = 200_000;
        const int instances = 8;
        const int callsPerInstance = 1_000;
        var options = RedisTest.Options();
        var budget = RedisTest.Budget(
            new BudgetLimit { Scope = BudgetScope.Global, Window = BudgetWindow.Day, Tokens = limit },
            new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Hour, Requests = 2_000 });
        // Eight trackers, eight ConnectionMultiplexers: as eight application instances.
        var trackers = Enumerable.Range(0, instances).Select(_ => RedisTest.Tracker(options, budget)).ToArray();
        try
        {
            long settledTokens = 0;
            var calls = new List<Task<Outcome>>();
            for (var i = 0; i < instances * callsPerInstance; i++)
            {
                var tracker = trackers[i % instances];
                var call = i;
                calls.Add(Task.Run(async () =>
                {
                    var user = "user-" + (call % 5);
                    var reservation = await tracker.ReserveAsync(new BudgetRequest(new BudgetSubject(user), RedisTest.Model, 20, 80 + (call % 41), null), CancellationToken.None);
                    if (!reservation.IsGranted)
                    {
                        Assert.That(reservation.Verdict.Code, Does.StartWith("budget.exceeded:"));
                        return Outcome.Denied;
                    }

                    switch (call % 10)
                    {
                        case 0:
                            await tracker.ReleaseAsync(reservation, CancellationToken.None); // the model call failed
                            return Outcome.Failed;
                        case 1:
                            await tracker.ReleaseAsync(reservation, CancellationToken.None); // the caller cancelled
                            return Outcome.Cancelled;
                        default:
                            var used = (int)Math.Min(reservation.Request.MaxTotalTokens, 60 + (call % 50));
                            await tracker.SettleAsync(reservation, new TokenUsage(20, used - 20), null, CancellationToken.None);
                            Interlocked.Add(ref settledTokens, used);
                            return Outcome.Settled;
                    }
                }));
            }

            var outcomes = await Task.WhenAll(calls);

            var global = await trackers[0].GetUsageAsync(BudgetScope.Global, BudgetSubject.GlobalKey, BudgetWindow.Day, CancellationToken.None);
            Assert.That(outcomes, Has.Length.EqualTo(instances * callsPerInstance), "every call was either reserved or denied");
            Assert.That(outcomes.Count(o => o == Outcome.Denied), Is.GreaterThan(0), "the budget was binding");
            Assert.That(outcomes.Count(o => o == Outcome.Settled), Is.GreaterThan(1_000));
            Assert.That(global.Tokens, Is.LessThanOrEqualTo(limit), "no overspend");
            Assert.That(global.Tokens, Is.EqualTo(settledTokens), "every settlement counted exactly once");
            Assert.That(global.Requests, Is.EqualTo(outcomes.Count(o => o == Outcome.Settled)));
            Assert.That((global.HeldTokens, global.HeldRequests), Is.EqualTo((0L, 0L)), "failed and cancelled calls gave their reservations back");
            for (var u = 0; u < 5; u++)
            {
                var user = await trackers[u].GetUsageAsync(BudgetScope.User, "user-" + u, BudgetWindow.Hour, CancellationToken.None);
                Assert.That((user.HeldTokens, user.HeldRequests), Is.EqualTo((0L, 0L)));
            }
        }
        finally
        {
            await RedisTest.DisposeAllAsync(trackers);
        }
    }

    [Test]
    public async Task Alert_thresholds_fire_exactly_once_per_window_under_concurrent_settlements()
    {
        var sink = new RecordingAlertSink();
        var options = RedisTest.Options();
        var budget = RedisTest.Budget(new BudgetLimit { Scope = BudgetScope.Tenant, Window = BudgetWindow.Month, Tokens = 10_000, CostUsd = 1m });
        var trackers = Enumerable.Range(0, 4).Select(_ => RedisTest.Tracker(options, budget, sink.Dispatcher)).ToArray();
        try
        {
            await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
            {
                var tracker = trackers[i % trackers.Length];
                var reservation = await tracker.ReserveAsync(RedisTest.Request(50, user: "u" + i, tenant: "acme", cost: 0.005m), CancellationToken.None);
                Assert.That(reservation.IsGranted, Is.True);
                await tracker.SettleAsync(reservation, new TokenUsage(50, 0), 0.004m, CancellationToken.None);
            })));
            var afterFull = await trackers[0].ReserveAsync(RedisTest.Request(1, tenant: "acme", cost: 0m), CancellationToken.None);

            var alerts = sink.Alerts.ToArray();
            Assert.That(afterFull.IsGranted, Is.False);
            Assert.That(alerts.Select(a => (a.Metric, a.Threshold)), Is.EquivalentTo(new[]
            {
                (BudgetMetric.Tokens, 0.8), (BudgetMetric.Tokens, 1.0), (BudgetMetric.CostUsd, 0.8),
            }), "tokens reached 100 %, cost reached 80 % (0.8 of 1 USD): each once");
            var tokens80 = alerts.Single(a => a.Metric == BudgetMetric.Tokens && a.Threshold == 0.8);
            Assert.That(tokens80.Used, Is.GreaterThanOrEqualTo(8_000).And.LessThan(8_050));
            Assert.That((tokens80.Scope, tokens80.Key, tokens80.Window, tokens80.Limit, tokens80.Tracker), Is.EqualTo((BudgetScope.Tenant, "acme", BudgetWindow.Month, 10_000m, "RedisBudget")));
            Assert.That(alerts.All(a => !a.Denied), Is.True, "100 % was already reported when the limit filled up");
        }
        finally
        {
            await RedisTest.DisposeAllAsync(trackers);
        }
    }

    [Test]
    public async Task A_denial_a_wait_can_cure_raises_the_100_percent_alert_once()
    {
        var sink = new RecordingAlertSink();
        await using var tracker = RedisTest.Tracker(RedisTest.Options(), RedisTest.Budget(new BudgetLimit { Tokens = 1_000 }), sink.Dispatcher);
        var half = await tracker.ReserveAsync(RedisTest.Request(500), CancellationToken.None);
        await tracker.SettleAsync(half, new TokenUsage(500, 0), null, CancellationToken.None);

        var denied = await tracker.ReserveAsync(RedisTest.Request(600), CancellationToken.None);
        var deniedAgain = await tracker.ReserveAsync(RedisTest.Request(600), CancellationToken.None);
        var hopeless = await tracker.ReserveAsync(RedisTest.Request(5_000), CancellationToken.None);

        Assert.That((denied.IsGranted, deniedAgain.IsGranted, hopeless.IsGranted), Is.EqualTo((false, false, false)));
        var alert = sink.Alerts.Single();
        Assert.That((alert.Threshold, alert.Denied, alert.Used, alert.Metric), Is.EqualTo((1.0, true, 500m, BudgetMetric.Tokens)));
    }
}
