using SafeOpenAI.Testing;

namespace SafeOpenAI.Redis.Tests;

/// <summary>Redis killed with SIGKILL in the middle of a run and restarted on the same port and data.</summary>
[NonParallelizable]
public class RedisOutageTests
{
    private static readonly TimeSpan s_recoveryLimit = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Killed_mid_run_then_restarted_policies_hold_and_nothing_leaks()
    {
        await using var server = await LocalRedisServer.StartAsync(appendOnly: true);
        var closedOptions = RedisTest.Options(server.Configuration);
        closedOptions.ReservationTimeout = TimeSpan.FromSeconds(3);
        closedOptions.OperationTimeout = TimeSpan.FromSeconds(2);
        var openOptions = RedisTest.Options(server.Configuration, RedisFailureMode.FailOpen);
        openOptions.KeyPrefix = closedOptions.KeyPrefix;
        openOptions.ReservationTimeout = closedOptions.ReservationTimeout;
        openOptions.OperationTimeout = closedOptions.OperationTimeout;
        var budget = RedisTest.Budget(new BudgetLimit { Scope = BudgetScope.Global, Window = BudgetWindow.Day, Tokens = 10_000_000 });
        await using var closed = RedisTest.Tracker(closedOptions, budget);
        await using var open = RedisTest.Tracker(openOptions, budget);

        // Calls in flight across the kill: some reserve before and settle after, some in between.
        var beforeKill = new List<(RedisBudgetTracker Tracker, BudgetReservation Reservation)>();
        foreach (var tracker in new[] { closed, open })
        {
            for (var i = 0; i < 20; i++)
            {
                var reservation = await tracker.ReserveAsync(RedisTest.Request(100, user: "u" + i), CancellationToken.None);
                Assert.That(reservation.IsGranted, Is.True);
                beforeKill.Add((tracker, reservation));
            }
        }

        long redisSettled = 0;
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var verdicts = new List<string>();
            var tracker = worker % 2 == 0 ? closed : open;
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                var reservation = await tracker.ReserveAsync(RedisTest.Request(10, user: "load" + worker), CancellationToken.None);
                verdicts.Add(reservation.Verdict.Code);
                if (reservation.IsGranted)
                {
                    if (n++ % 3 == 0)
                    {
                        await tracker.ReleaseAsync(reservation, CancellationToken.None);
                    }
                    else
                    {
                        await tracker.SettleAsync(reservation, new TokenUsage(7, 0), null, CancellationToken.None);
                        if (reservation.Verdict.Code != BudgetCodes.Degraded)
                        {
                            Interlocked.Add(ref redisSettled, 7);
                        }
                    }
                }

                await Task.Delay(5);
            }

            return (Worker: worker, Verdicts: verdicts);
        })).ToArray();

        await Task.Delay(500);
        await server.KillAsync();

        // During the outage: settlements of calls reserved before the kill are queued, not thrown.
        foreach (var (tracker, reservation) in beforeKill)
        {
            await tracker.SettleAsync(reservation, new TokenUsage(60, 40), null, CancellationToken.None);
            Interlocked.Add(ref redisSettled, 100);
        }

        var closedDuring = await closed.ReserveAsync(RedisTest.Request(1, user: "outage"), CancellationToken.None);
        var openDuring = await open.ReserveAsync(RedisTest.Request(1, user: "outage"), CancellationToken.None);
        Assert.That(closedDuring.IsGranted, Is.False);
        Assert.That(closedDuring.Verdict.Code, Is.EqualTo(BudgetCodes.Unavailable));
        Assert.That(openDuring.IsGranted, Is.True);
        Assert.That(openDuring.Verdict.Code, Is.EqualTo(BudgetCodes.Degraded));
        await open.SettleAsync(openDuring, new TokenUsage(1, 0), null, CancellationToken.None); // settled on the local fallback
        Assert.That(closed.PendingCompletions + open.PendingCompletions, Is.GreaterThanOrEqualTo(40));
        await Task.Delay(300);

        await server.RestartAsync();
        var deadline = DateTime.UtcNow + s_recoveryLimit;
        BudgetReservation afterRestart;
        while (true)
        {
            afterRestart = await closed.ReserveAsync(RedisTest.Request(1, user: "after"), CancellationToken.None);
            if (afterRestart.IsGranted || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.That(afterRestart.Verdict.Code, Is.EqualTo(SafetyVerdict.AllowedCode), "the same tracker works again, no restart");
        await closed.SettleAsync(afterRestart, new TokenUsage(1, 0), null, CancellationToken.None);
        Interlocked.Add(ref redisSettled, 1);
        await Task.Delay(300);
        await stop.CancelAsync();
        var runs = await Task.WhenAll(load);

        var closedVerdicts = runs.Where(r => r.Worker % 2 == 0).SelectMany(r => r.Verdicts).ToArray();
        var openVerdicts = runs.Where(r => r.Worker % 2 == 1).SelectMany(r => r.Verdicts).ToArray();
        Assert.That(closedVerdicts, Does.Contain(BudgetCodes.Unavailable).And.Not.Contain(BudgetCodes.Degraded));
        Assert.That(openVerdicts, Does.Contain(BudgetCodes.Degraded).And.Not.Contain(BudgetCodes.Unavailable));
        Assert.That(closedVerdicts.Concat(openVerdicts).Last(), Is.EqualTo(SafetyVerdict.AllowedCode));

        // Queued settlements replay; reservations whose answer was lost in the kill are reaped after the timeout.
        BudgetUsage usage;
        while (true)
        {
            await closed.ReplayPendingAsync();
            await open.ReplayPendingAsync();
            usage = await closed.GetUsageAsync(BudgetScope.Global, BudgetSubject.GlobalKey, BudgetWindow.Day, CancellationToken.None);
            if ((closed.PendingCompletions == 0 && open.PendingCompletions == 0 && usage.HeldTokens == 0 && usage.HeldRequests == 0) || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(250);
        }

        Assert.That((closed.PendingCompletions, open.PendingCompletions), Is.EqualTo((0, 0)), "every queued completion was replayed");
        Assert.That((usage.HeldTokens, usage.HeldRequests), Is.EqualTo((0L, 0L)), "no reservation leaked");
        Assert.That(usage.Tokens, Is.EqualTo(redisSettled), "every settlement made through Redis counted exactly once");
    }
}
