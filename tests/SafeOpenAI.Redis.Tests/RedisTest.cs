using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;

namespace SafeOpenAI.Redis.Tests;

internal static class RedisTest
{
    public const string Model = "gpt-4o-mini";

    /// <summary>Options on the shared server with a fresh key prefix, so tests never see each other's keys.</summary>
    public static RedisBudgetOptions Options(string? configuration = null, RedisFailureMode mode = RedisFailureMode.FailClosed) => new()
    {
        Configuration = configuration ?? RedisServerFixture.Server.Configuration,
        KeyPrefix = "{t-" + Guid.NewGuid().ToString("N")[..16] + "}",
        OperationTimeout = TimeSpan.FromSeconds(10),
        FailureMode = mode,
    };

    /// <summary>Access policy options with a fresh key prefix.</summary>
    public static RedisAccessPolicyOptions AccessOptions(RedisFailureMode mode = RedisFailureMode.FailOpen) => new()
    {
        KeyPrefix = "{t-" + Guid.NewGuid().ToString("N")[..16] + "}",
        OperationTimeout = TimeSpan.FromSeconds(10),
        FailureMode = mode,
    };

    public static BudgetOptions Budget(params BudgetLimit[] limits)
    {
        var budget = new BudgetOptions { RequestsPerMinute = null };
        foreach (var limit in limits)
        {
            budget.Limits.Add(limit);
        }

        return budget;
    }

    public static RedisBudgetTracker Tracker(RedisBudgetOptions options, BudgetOptions budget, BudgetAlertDispatcher? alerts = null, TimeProvider? time = null) =>
        new(options, budget, alerts, NullLoggerFactory.Instance, time);

    public static async Task DisposeAllAsync(IEnumerable<RedisBudgetTracker> trackers)
    {
        foreach (var tracker in trackers)
        {
            await tracker.DisposeAsync();
        }
    }

    public static BudgetRequest Request(int tokens, string user = "user-a", decimal? cost = null, string? session = null, string? tenant = null) =>
        new(new BudgetSubject(user, session, tenant), Model, tokens, 0, cost);
}

internal sealed class RecordingAlertSink : IBudgetAlertSink
{
    public ConcurrentQueue<BudgetAlert> Alerts { get; } = new();

    public BudgetAlertDispatcher Dispatcher => new([this], NullLoggerFactory.Instance);

    public ValueTask PublishAsync(BudgetAlert alert, CancellationToken cancellationToken)
    {
        Alerts.Enqueue(alert);
        return ValueTask.CompletedTask;
    }
}
