using StackExchange.Redis;

namespace SafeOpenAI.Redis;

/// <summary>
/// Which exceptions mean "Redis is unavailable" (so a <see cref="RedisFailureMode"/> applies) and
/// the stable error name logged and put in verdict evidence for each. Shared by every Redis-backed
/// service of the package, so they agree on what an outage is.
/// </summary>
internal static class RedisFailures
{
    /// <summary>
    /// Gets whether an exception is a Redis outage: a Redis error, a timeout, or a cancelled command;
    /// anything else is a bug and propagates. StackExchange.Redis cancels the commands sent while it
    /// re-establishes a connection it gave up on (a server that stopped answering); the package never
    /// hands it a caller's token, so such a cancellation is always the connection's, never the caller's.
    /// </summary>
    public static bool IsOutage(Exception exception) => exception is RedisException or TimeoutException or OperationCanceledException;

    /// <summary>
    /// Returns the exception a write that failed with an outage throws to its caller: the outage
    /// itself, except that a command StackExchange.Redis cancelled (which the caller could mistake
    /// for its own cancellation) becomes the <see cref="RedisConnectionException"/> the API documents,
    /// with the cancellation inside.
    /// </summary>
    public static Exception ForCaller(Exception outage) => outage is OperationCanceledException
        ? new RedisConnectionException(ConnectionFailureType.UnableToConnect, "Redis cancelled the command while it re-established its connection.", outage)
        : outage;

    /// <summary>Gets the error name of an outage: <c>redis_timeout</c>, <c>redis_unreachable</c> or <c>redis_error</c>.</summary>
    public static string NameOf(Exception exception) => exception switch
    {
        TimeoutException => "redis_timeout",
        RedisConnectionException or OperationCanceledException => "redis_unreachable",
        _ => "redis_error",
    };
}
