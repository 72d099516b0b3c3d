namespace SafeOpenAI.Redis;

/// <summary>
/// Options of <see cref="RedisBudgetTracker"/> (configuration section <c>SafeOpenAI:Redis</c>).
/// The limits themselves are the <see cref="BudgetOptions"/> of <c>SafeOpenAI:Budget</c>.
/// </summary>
/// <remarks>Read once, when the tracker is created; validated at start-up with messages naming the key.</remarks>
public sealed class RedisBudgetOptions
{
    /// <summary>The configuration section the options bind to: <c>SafeOpenAI:Redis</c>.</summary>
    public const string SectionName = "SafeOpenAI:Redis";

    /// <summary>The default <see cref="KeyPrefix"/>: <c>{safeopenai}</c>.</summary>
    public const string DefaultKeyPrefix = "{safeopenai}";

    /// <summary>
    /// Gets or sets the StackExchange.Redis configuration string, for example
    /// <c>redis.internal:6379,password=…,ssl=true</c>
    /// (https://stackexchange.github.io/StackExchange.Redis/Configuration). The tracker always sets
    /// <c>abortConnect=false</c> (it starts and reconnects while Redis is down), fails commands at
    /// once while disconnected instead of queueing them, and uses <see cref="OperationTimeout"/> as
    /// the command timeout. <see langword="null"/> to use the <c>IConnectionMultiplexer</c>
    /// registered in dependency injection instead. Never logged.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// Gets or sets the prefix of every key. Default <c>{safeopenai}</c>. It must contain a hash tag
    /// (<c>{…}</c>, non-empty) so that all keys of the tracker are in one Redis Cluster slot and each
    /// script can touch them atomically; on a cluster this puts all budget state on one shard.
    /// Use different prefixes for applications that must not share budgets.
    /// </summary>
    public string KeyPrefix { get; set; } = DefaultKeyPrefix;

    /// <summary>Gets or sets what happens when Redis is unreachable. Default <see cref="RedisFailureMode.FailClosed"/>.</summary>
    public RedisFailureMode FailureMode { get; set; } = RedisFailureMode.FailClosed;

    /// <summary>
    /// Gets or sets how long a reservation may stay unsettled before its hold is given back
    /// (a process that crashed mid-call never settles). Default 15 minutes; between 1 second and
    /// 24 hours. Longer than the longest model call, including streaming and retries.
    /// </summary>
    public TimeSpan ReservationTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Gets or sets how long one script call may take before the call counts as failed (Redis
    /// unreachable). Default 2 seconds; between 10 milliseconds and 1 minute. Applies to the
    /// connection the tracker creates from <see cref="Configuration"/>.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Gets or sets how many settlements and releases that could not reach Redis are kept in
    /// memory to be replayed when the connection is back. Default 100,000 (each is about 1 KB);
    /// at least 1. When full, further ones are dropped and each drop is logged as an error (their
    /// holds then return after <see cref="ReservationTimeout"/> and their usage is not counted).
    /// </summary>
    public int MaxPendingCompletions { get; set; } = 100_000;
}
