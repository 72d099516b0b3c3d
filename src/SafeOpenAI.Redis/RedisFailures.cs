using StackExchange.Redis;

namespace SafeOpenAI.Redis;

/// <summary>
/// Which exceptions mean "Redis is unavailable" (so a <see cref="RedisFailureMode"/> applies) and
/// the stable error name logged and put in verdict evidence for each. Shared by every Redis-backed
/// service of the package, so they agree on what an outage is.
/// </summary>
internal static class RedisFailures
{
    /// <summary>Gets whether an exception is a Redis outage: a Redis error or a timeout; anything else is a bug and propagates.</summary>
    public static bool IsOutage(Exception exception) => exception is RedisException or TimeoutException;

    /// <summary>Gets the error name of an outage: <c>redis_timeout</c>, <c>redis_unreachable</c> or <c>redis_error</c>.</summary>
    public static string NameOf(Exception exception) => exception switch
    {
        TimeoutException => "redis_timeout",
        RedisConnectionException => "redis_unreachable",
        _ => "redis_error",
    };
}
