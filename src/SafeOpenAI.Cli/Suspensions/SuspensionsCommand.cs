using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SafeOpenAI.Redis;
using StackExchange.Redis;

namespace SafeOpenAI.Cli.Suspensions;

/// <summary>
/// <c>safeopenai suspensions list --redis CONN [--prefix P] [--json]</c> and
/// <c>safeopenai suspensions lift USERKEY --redis CONN [--prefix P]</c>: the operator's view of the
/// user suspensions kept by <c>UseRedisAccessPolicy</c>.
/// </summary>
/// <remarks>Exit codes: 0 done; 1 nothing to lift (no suspension in force); 2 bad arguments; 3 Redis unreachable.</remarks>
internal static class SuspensionsCommand
{
    public static Command Create()
    {
        var redis = new Option<string>("--redis") { Description = "The StackExchange.Redis configuration string, for example localhost:6379 or host:6380,password=...,ssl=true.", Required = true };
        var prefix = new Option<string>("--prefix")
        {
            Description = "The key prefix of the application (RedisAccessPolicyOptions.KeyPrefix).",
            DefaultValueFactory = _ => RedisBudgetOptions.DefaultKeyPrefix,
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON array of suspensions instead of a table." };
        var list = new Command("list", "List the suspensions in force, soonest end first.") { redis, prefix, json };
        list.SetAction((parse, token) => ListAsync(parse.GetValue(redis)!, parse.GetValue(prefix)!, parse.GetValue(json), Console.Out, token));

        var userKey = new Argument<string>("userKey") { Description = "The user key: the safety identifier (as in audit records), or anonymous:<hashed session id>." };
        var lift = new Command("lift", "Lift a user's suspension now, on every instance.") { userKey, redis, prefix };
        lift.SetAction((parse, token) => LiftAsync(parse.GetValue(userKey)!, parse.GetValue(redis)!, parse.GetValue(prefix)!, Console.Out, token));

        return new Command("suspensions", "List and lift user suspensions kept in Redis (UseRedisAccessPolicy).") { list, lift };
    }

    /// <summary>Prints the suspensions in force.</summary>
    /// <returns>0, 2 for bad arguments, 3 when Redis cannot be reached.</returns>
    public static Task<int> ListAsync(string redis, string prefix, bool json, TextWriter output, CancellationToken cancellationToken) =>
        WithPolicyAsync(redis, prefix, async policy =>
        {
            var suspensions = await policy.ListSuspensionsAsync(cancellationToken).ConfigureAwait(false);
            if (json)
            {
                var rows = suspensions.Select(s => new
                {
                    userKey = s.UserKey,
                    reason = s.Reason,
                    since = s.Since.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                    until = s.Until.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                });
                await output.WriteLineAsync(JsonSerializer.Serialize(rows)).ConfigureAwait(false);
                return 0;
            }

            var now = DateTimeOffset.UtcNow;
            await output.WriteLineAsync($"{"until (UTC)",-20} {"left",9} {"since (UTC)",-20} {"reason",-40} user key").ConfigureAwait(false);
            foreach (var s in suspensions)
            {
                var left = s.Until - now;
                await output.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{s.Until.UtcDateTime:yyyy-MM-dd HH:mm:ss} {FormatLeft(left),9} {s.Since.UtcDateTime:yyyy-MM-dd HH:mm:ss} {s.Reason,-40} {s.UserKey}")).ConfigureAwait(false);
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{suspensions.Count} suspension(s) in force.")).ConfigureAwait(false);
            return 0;
        });

    /// <summary>Lifts one user's suspension.</summary>
    /// <returns>0 when one was lifted, 1 when none was in force, 2 for bad arguments, 3 when Redis cannot be reached.</returns>
    public static Task<int> LiftAsync(string userKey, string redis, string prefix, TextWriter output, CancellationToken cancellationToken) =>
        WithPolicyAsync(redis, prefix, async policy =>
        {
            if (string.IsNullOrWhiteSpace(userKey))
            {
                await Console.Error.WriteLineAsync("userKey must not be empty.").ConfigureAwait(false);
                return 2;
            }

            if (await policy.LiftAsync(userKey, cancellationToken).ConfigureAwait(false))
            {
                await output.WriteLineAsync($"Lifted the suspension of {userKey}.").ConfigureAwait(false);
                return 0;
            }

            await output.WriteLineAsync($"No suspension in force for {userKey}.").ConfigureAwait(false);
            return 1;
        });

    private static async Task<int> WithPolicyAsync(string redis, string prefix, Func<RedisUserAccessPolicy, Task<int>> run)
    {
        ConfigurationOptions configuration;
        try
        {
            configuration = ConfigurationOptions.Parse(redis);
        }
        catch (ArgumentException)
        {
            await Console.Error.WriteLineAsync("--redis is not a valid StackExchange.Redis configuration string.").ConfigureAwait(false);
            return 2;
        }

        configuration.ClientName ??= "safeopenai-cli";
        configuration.ConnectTimeout = 5_000;
        try
        {
            var connection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                RedisUserAccessPolicy policy;
                try
                {
                    policy = new RedisUserAccessPolicy(connection, new RedisAccessPolicyOptions { KeyPrefix = prefix, OperationTimeout = TimeSpan.FromSeconds(10) }, TimeProvider.System, null);
                }
                catch (ArgumentException)
                {
                    await Console.Error.WriteLineAsync($"--prefix must contain a non-empty hash tag such as {RedisBudgetOptions.DefaultKeyPrefix}.").ConfigureAwait(false);
                    return 2;
                }

                return await run(policy).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The type only: a message could echo the configuration string, which may hold a password.
            await Console.Error.WriteLineAsync($"Cannot reach Redis ({ex.GetType().Name}).").ConfigureAwait(false);
            return 3;
        }
    }

    private static string FormatLeft(TimeSpan left) =>
        left >= TimeSpan.FromDays(1)
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)left.TotalDays}d{left.Hours:00}h")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)left.TotalHours}h{left.Minutes:00}m");
}
