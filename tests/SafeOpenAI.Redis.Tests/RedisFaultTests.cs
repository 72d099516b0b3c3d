using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpenAI.Chat;
using SafeOpenAI.Testing;
using StackExchange.Redis;

namespace SafeOpenAI.Redis.Tests;

/// <summary>
/// Faults of the Redis budget tracker and access policy that <see cref="RedisOutageTests"/> (killed
/// mid-run, restarted) and <see cref="RedisUserAccessPolicyTests"/> (down mid-run) do not cover:
/// Redis unreachable when the application starts, and Redis too slow to answer within the timeout.
/// Each test runs its own redis-server, so stopping or pausing it disturbs no other test.
/// </summary>
[NonParallelizable]
public class RedisFaultTests
{
    private const string HashKey = "integration-test-hash-key-0123456789";
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Down_at_start_the_failure_modes_decide_in_the_verdict_trail_then_the_same_apps_use_Redis_and_nothing_leaks()
    {
        await using var endpoint = await LocalOpenAIEndpoint.StartAsync();
        await using var server = await LocalRedisServer.StartAsync();
        await server.KillAsync(); // the port is known and nothing listens on it
        var prefix = RedisTest.Options().KeyPrefix;
        await using var closedBudget = BuildApp(endpoint, server.Configuration, prefix, RedisFailureMode.FailClosed, access: null);
        await using var openBoth = BuildApp(endpoint, server.Configuration, prefix, RedisFailureMode.FailOpen, access: RedisFailureMode.FailOpen);
        await using var closedAccess = BuildApp(endpoint, server.Configuration, prefix, budget: null, access: RedisFailureMode.FailClosed);

        var deniedByBudget = await closedBudget.GetRequiredService<SafeChatClient>().CompleteAsync(Ask("first"));
        var degraded = await openBoth.GetRequiredService<SafeChatClient>().CompleteAsync(Ask("second"));
        var deniedByAccess = await closedAccess.GetRequiredService<SafeChatClient>().CompleteAsync(Ask("third"));

        Assert.Multiple(() =>
        {
            Assert.That(deniedByBudget.Status, Is.EqualTo(SafeChatStatus.Blocked));
            Assert.That(deniedByBudget.DecisiveVerdict!.Stage, Is.EqualTo("RedisBudget"));
            Assert.That(deniedByBudget.DecisiveVerdict.Code, Is.EqualTo(BudgetCodes.Unavailable));
            Assert.That(deniedByBudget.DecisiveVerdict.Evidence["failure_policy"], Is.EqualTo("fail_closed"));
            Assert.That(deniedByBudget.DecisiveVerdict.Evidence["error"], Is.EqualTo("redis_unreachable"));
            Assert.That(degraded.Status, Is.EqualTo(SafeChatStatus.Completed));
            var degradedVerdict = degraded.Verdicts.Single(v => v.Code == BudgetCodes.Degraded);
            Assert.That(degradedVerdict.Evidence["failure_policy"], Is.EqualTo("fail_open"));
            Assert.That(degradedVerdict.Evidence["error"], Is.EqualTo("redis_unreachable"));
            Assert.That(deniedByAccess.Status, Is.EqualTo(SafeChatStatus.Blocked));
            Assert.That(deniedByAccess.DecisiveVerdict!.Code, Is.EqualTo(UserAccessCodes.Suspended));
            Assert.That(deniedByAccess.DecisiveVerdict.Evidence["reason"], Is.EqualTo(RedisUserAccessPolicy.UnavailableReason));
            Assert.That(endpoint.ChatRequests, Has.Count.EqualTo(1), "only the fail-open call reached the model");
        });

        await server.RestartAsync();
        var afterBudget = await UntilCompletedAsync(closedBudget, "fourth");
        var afterAccess = await UntilCompletedAsync(closedAccess, "fifth");
        var afterOpen = await openBoth.GetRequiredService<SafeChatClient>().CompleteAsync(Ask("sixth"));

        Assert.That(afterBudget.Verdicts.Select(v => v.Code), Has.None.EqualTo(BudgetCodes.Unavailable));
        Assert.That(afterAccess.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(afterOpen.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(afterOpen.Verdicts.Select(v => v.Code), Has.None.EqualTo(BudgetCodes.Degraded), "the fail-open app counts in Redis again");
        var usage = await closedBudget.GetRequiredService<IBudgetUsageReader>().GetUsageAsync(BudgetScope.Global, BudgetSubject.GlobalKey, BudgetWindow.Day, CancellationToken.None);
        Assert.That((usage.Requests, usage.Tokens), Is.EqualTo((2L, afterBudget.Usage!.TotalTokens + afterOpen.Usage!.TotalTokens)),
            "the two calls made after the restart through a Redis budget, and nothing decided during the outage");
        Assert.That((usage.HeldTokens, usage.HeldRequests), Is.EqualTo((0L, 0L)), "no reservation leaked");
    }

    [Test]
    public async Task Slow_past_the_timeout_the_policies_hold_a_settlement_counts_once_and_lost_reserves_are_released()
    {
        await using var server = await LocalRedisServer.StartAsync();
        await using var admin = await ConnectionMultiplexer.ConnectAsync(server.Configuration + ",allowAdmin=true");
        var start = new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var closedOptions = RedisTest.Options(server.Configuration);
        closedOptions.OperationTimeout = TimeSpan.FromMilliseconds(500);
        closedOptions.ReservationTimeout = TimeSpan.FromMinutes(5);
        var openOptions = RedisTest.Options(server.Configuration, RedisFailureMode.FailOpen);
        openOptions.KeyPrefix = closedOptions.KeyPrefix;
        openOptions.OperationTimeout = closedOptions.OperationTimeout;
        openOptions.ReservationTimeout = closedOptions.ReservationTimeout;
        var budget = RedisTest.Budget(new BudgetLimit { Scope = BudgetScope.Global, Window = BudgetWindow.Day, Tokens = 1_000_000 });
        await using var closed = RedisTest.Tracker(closedOptions, budget);
        await using var open = RedisTest.Tracker(openOptions, budget);
        closed.TimeOverride = start; // the Redis clock would move the lease deadline with the test's speed; this one moves when told
        open.TimeOverride = start;
        await using var policyConnection = await ConnectionMultiplexer.ConnectAsync(RedisConnectionCache.CreateConfiguration(server.Configuration, TimeSpan.FromMilliseconds(500)));
        var time = new FakeTimeProvider(start);
        var openPolicy = new RedisUserAccessPolicy(policyConnection, Access(closedOptions.KeyPrefix, RedisFailureMode.FailOpen), time, NullLoggerFactory.Instance);
        var closedPolicy = new RedisUserAccessPolicy(policyConnection, Access(closedOptions.KeyPrefix, RedisFailureMode.FailClosed), time, NullLoggerFactory.Instance);
        var known = new UserSuspension("known", "anomaly.token_spike", start, start.AddHours(1));
        await openPolicy.SuspendAsync(known, CancellationToken.None);
        Assert.That(await closedPolicy.GetSuspensionAsync("known", CancellationToken.None), Is.EqualTo(known));

        var inFlight = await closed.ReserveAsync(RedisTest.Request(100, user: "in-flight"), CancellationToken.None);
        Assert.That(inFlight.IsGranted, Is.True);

        // Every command of every client waits in Redis until the pause ends, then runs (unless its client
        // has dropped the connection meanwhile): far past each client's 500 ms timeout. StackExchange.Redis
        // gives up on a silent connection after four timeouts' worth of silence and reconnects, and commands
        // sent while it does so fail with a TaskCanceledException: every one must still follow the policy.
        var pauseSent = DateTime.UtcNow;
        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "15000", "ALL");
        await closed.SettleAsync(inFlight, new TokenUsage(40, 20), null, CancellationToken.None); // times out: queued, not thrown
        var pendingDuringPause = closed.PendingCompletions;
        var rounds = 0;
        var closedCodes = new List<string>();
        var openCodes = new List<string>();
        var errors = new HashSet<string>();
        var policyAnswers = new List<(string? OpenUnknown, string? ClosedUnknown, UserSuspension? ClosedKnown)>();
        while (rounds == 0 || DateTime.UtcNow < pauseSent.AddSeconds(8)) // well inside the 15 s pause
        {
            rounds++;
            var closedSlow = await closed.ReserveAsync(RedisTest.Request(100, user: "slow-closed"), CancellationToken.None);
            var openSlow = await open.ReserveAsync(RedisTest.Request(100, user: "slow-open"), CancellationToken.None);
            if (openSlow.IsGranted)
            {
                await open.SettleAsync(openSlow, new TokenUsage(30, 0), null, CancellationToken.None); // settled on the local fallback
            }

            closedCodes.Add(closedSlow.Verdict.Code + "/" + closedSlow.Verdict.Evidence.GetValueOrDefault("failure_policy"));
            openCodes.Add(openSlow.Verdict.Code + "/" + openSlow.Verdict.Evidence.GetValueOrDefault("failure_policy"));
            errors.Add(closedSlow.Verdict.Evidence.GetValueOrDefault("error") ?? "none");
            policyAnswers.Add((
                (await openPolicy.GetSuspensionAsync("unknown", CancellationToken.None))?.Reason,
                (await closedPolicy.GetSuspensionAsync("unknown", CancellationToken.None))?.Reason,
                await closedPolicy.GetSuspensionAsync("known", CancellationToken.None)));
            await Task.Delay(20); // while reconnecting, commands fail at once: no busy loop
        }

        Assert.Multiple(() =>
        {
            Assert.That(closedCodes, Has.All.EqualTo(BudgetCodes.Unavailable + "/fail_closed"));
            Assert.That(openCodes, Has.All.EqualTo(BudgetCodes.Degraded + "/fail_open"));
            Assert.That(errors, Does.Contain("redis_timeout"));
            Assert.That(pendingDuringPause, Is.EqualTo(1), "the settlement whose reply timed out is kept for replay");
            Assert.That(policyAnswers.Select(a => a.OpenUnknown), Has.All.Null, "FailOpen lets an unknown user through");
            Assert.That(policyAnswers.Select(a => a.ClosedUnknown), Has.All.EqualTo(RedisUserAccessPolicy.UnavailableReason), "FailClosed blocks an unknown user");
            Assert.That(policyAnswers.Select(a => a.ClosedKnown), Has.All.EqualTo(known), "a suspension seen before still blocks");
        });

        // Once Redis answers, the queue is replayed (by the tracker itself after a successful round trip,
        // or here): the settlement counts once, whether or not its timed-out first attempt also ran, and
        // each reserve whose reply was lost is released, so whatever Redis ran of it after the pause is
        // given back now instead of after the reservation timeout.
        var afterPause = await UsageOnceRedisAnswersAsync(closed);
        var replayDeadline = DateTime.UtcNow + s_limit;
        while (!await closed.ReplayPendingAsync() && DateTime.UtcNow < replayDeadline)
        {
            await Task.Delay(50); // a background replay may be running
        }

        var afterReplay = await closed.GetUsageAsync(BudgetScope.Global, BudgetSubject.GlobalKey, BudgetWindow.Day, CancellationToken.None);
        Assert.That(closed.PendingCompletions, Is.Zero, "everything queued was replayed");
        Assert.That((afterReplay.Tokens, afterReplay.Requests), Is.EqualTo((60L, 1L)), "the settlement counts once");
        Assert.That((afterReplay.HeldTokens, afterReplay.HeldRequests), Is.EqualTo((0L, 0L)), "no reservation left held, none waiting for its lease to end");
        Assert.That(afterPause.HeldRequests, Is.InRange(0L, 2L * rounds), "at most the reservations whose replies timed out");
        Assert.That(afterPause.HeldTokens, Is.EqualTo(100 * afterPause.HeldRequests));

        var next = await closed.ReserveAsync(RedisTest.Request(100, user: "after"), CancellationToken.None);
        await closed.ReleaseAsync(next, CancellationToken.None);
        var final = await closed.GetUsageAsync(BudgetScope.Global, BudgetSubject.GlobalKey, BudgetWindow.Day, CancellationToken.None);
        Assert.That(next.Verdict.Code, Is.EqualTo(SafetyVerdict.AllowedCode));
        Assert.That((final.Tokens, final.HeldTokens), Is.EqualTo((60L, 0L)));

        // The policy's connection may still be reconnecting (its retry waits up to 5 s): it answers from Redis again by itself.
        var deadline = DateTime.UtcNow + s_limit;
        UserSuspension? afterPauseUnknown;
        while ((afterPauseUnknown = await closedPolicy.GetSuspensionAsync("unknown", CancellationToken.None)) is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.That(afterPauseUnknown, Is.Null, "the policy answers from Redis again");
    }

    private static async Task<BudgetUsage> UsageOnceRedisAnswersAsync(RedisBudgetTracker tracker)
    {
        var deadline = DateTime.UtcNow + s_limit;
        while (true)
        {
            try
            {
                return await tracker.GetUsageAsync(BudgetScope.Global, BudgetSubject.GlobalKey, BudgetWindow.Day, CancellationToken.None);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task<SafeChatResult> UntilCompletedAsync(ServiceProvider app, string text)
    {
        var deadline = DateTime.UtcNow + s_limit;
        while (true)
        {
            var result = await app.GetRequiredService<SafeChatClient>().CompleteAsync(Ask(text));
            if (result.Status == SafeChatStatus.Completed || DateTime.UtcNow > deadline)
            {
                Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed), "the app reconnected by itself within the limit");
                return result;
            }

            await Task.Delay(100);
        }
    }

    private static RedisAccessPolicyOptions Access(string prefix, RedisFailureMode mode) => new()
    {
        KeyPrefix = prefix,
        OperationTimeout = TimeSpan.FromMilliseconds(500),
        FailureMode = mode,
    };

    private static ServiceProvider BuildApp(LocalOpenAIEndpoint endpoint, string redis, string prefix, RedisFailureMode? budget, RedisFailureMode? access)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(endpoint.CreateChatClient("gpt-4o-mini", maxRetries: 0));
        services.AddSingleton(endpoint.CreateModerationClient(maxRetries: 0));
        var builder = services.AddSafeOpenAI(o =>
        {
            o.Identity.HashKey = HashKey;
            o.Moderation.Enabled = false;
            o.Anomaly.Enabled = false;
            o.Hardening.DefaultMaxOutputTokens = 200;
            o.Budget.RequestsPerMinute = null;
            o.Budget.Limits.Add(new BudgetLimit { Scope = BudgetScope.Global, Window = BudgetWindow.Day, Tokens = 1_000_000 });
        });
        if (budget is { } budgetMode)
        {
            builder.UseRedisBudgets(o =>
            {
                o.Configuration = redis;
                o.KeyPrefix = prefix;
                o.FailureMode = budgetMode;
                o.OperationTimeout = TimeSpan.FromSeconds(1);
            });
        }

        if (access is { } accessMode)
        {
            builder.UseRedisAccessPolicy(o =>
            {
                o.Configuration = redis;
                o.KeyPrefix = prefix;
                o.FailureMode = accessMode;
            });
        }

        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static SafeChatRequest Ask(string text) =>
        new([ChatMessage.CreateSystemMessage("You are helpful."), ChatMessage.CreateUserMessage(text)])
        {
            Identity = new SafetyIdentity("user-1", "session-1"),
        };
}
