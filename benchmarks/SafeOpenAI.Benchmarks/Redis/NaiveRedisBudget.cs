using System.Globalization;
using StackExchange.Redis;

namespace SafeOpenAI.Benchmarks.Redis;

/// <summary>
/// Benchmark-only baseline: the budget check written as plain commands, one key per counter,
/// several round trips per call and no atomicity (two instances can both pass the check and
/// overspend). For comparison with the one-script <see cref="SafeOpenAI.Redis.RedisBudgetTracker"/>; never use it.
/// </summary>
internal sealed class NaiveRedisBudget(IDatabase database, string prefix, IReadOnlyList<BudgetLimit> limits)
{
    public async Task<bool> ReserveAsync(BudgetRequest request)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var limit in limits)
        {
            var key = request.Subject.KeyOf(limit.Scope)!;
            var used = (long)await database.StringGetAsync(WindowKey(limit, key, now)).ConfigureAwait(false);
            var held = (long)await database.StringGetAsync(HoldKey(limit, key)).ConfigureAwait(false);
            if (limit.Tokens is { } tokens && used + held + request.MaxTotalTokens > tokens)
            {
                return false;
            }
        }

        foreach (var limit in limits)
        {
            await database.StringIncrementAsync(HoldKey(limit, request.Subject.KeyOf(limit.Scope)!), request.MaxTotalTokens).ConfigureAwait(false);
        }

        return true;
    }

    public async Task SettleAsync(BudgetRequest request, TokenUsage usage)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var limit in limits)
        {
            var key = request.Subject.KeyOf(limit.Scope)!;
            await database.StringDecrementAsync(HoldKey(limit, key), request.MaxTotalTokens).ConfigureAwait(false);
            var window = WindowKey(limit, key, now);
            await database.StringIncrementAsync(window, usage.TotalTokens).ConfigureAwait(false);
            await database.KeyExpireAsync(window, BudgetWindows.EndOf(limit.Window, now).UtcDateTime).ConfigureAwait(false);
        }
    }

    private string HoldKey(BudgetLimit limit, string key) => prefix + ":nh:" + BudgetCodes.Name(limit.Scope, limit.Window) + ":" + key;

    private string WindowKey(BudgetLimit limit, string key, DateTimeOffset now) =>
        prefix + ":nw:" + BudgetCodes.Name(limit.Scope, limit.Window) + ":" + key + ":" + BudgetWindows.StartOf(limit.Window, now).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
