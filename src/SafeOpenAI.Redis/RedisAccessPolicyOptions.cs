namespace SafeOpenAI.Redis;

/// <summary>
/// Options of <see cref="RedisUserAccessPolicy"/> (configuration section <c>SafeOpenAI:Redis:Access</c>).
/// </summary>
/// <remarks>Read once, when the policy is created; validated at start-up with messages naming the key.</remarks>
public sealed class RedisAccessPolicyOptions
{
    /// <summary>The configuration section the options bind to: <c>SafeOpenAI:Redis:Access</c>.</summary>
    public const string SectionName = "SafeOpenAI:Redis:Access";

    /// <summary>
    /// Gets or sets the StackExchange.Redis configuration string, for example
    /// <c>redis.internal:6379,password=…,ssl=true</c>
    /// (https://stackexchange.github.io/StackExchange.Redis/Configuration). <see langword="null"/>
    /// (default) takes <see cref="RedisBudgetOptions.Configuration"/> when <c>UseRedisBudgets</c> set
    /// one, and otherwise the <c>IConnectionMultiplexer</c> registered in dependency injection. The
    /// same string as the budgets' shares their connection: one connection per application. Never logged.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// Gets or sets the prefix of every key. Default <c>{safeopenai}</c>, the budgets' default, so
    /// that one application's Redis state sits under one prefix. It must contain a non-empty hash
    /// tag (<c>{…}</c>) so that a suspension and the index of suspensions are in one Redis Cluster
    /// slot and each script can update both atomically. Instances that must agree on suspensions
    /// use the same prefix; applications that must not, different ones.
    /// </summary>
    public string KeyPrefix { get; set; } = RedisBudgetOptions.DefaultKeyPrefix;

    /// <summary>
    /// Gets or sets what a suspension check does when Redis is unreachable or does not answer
    /// within <see cref="OperationTimeout"/>. Default <see cref="RedisFailureMode.FailOpen"/>:
    /// the call goes on (users this instance last saw suspended stay blocked) and an error is
    /// logged. <see cref="RedisFailureMode.FailClosed"/> blocks every call while Redis is down.
    /// </summary>
    /// <remarks>
    /// Why open by default, unlike budgets: a suspension is a cool-down for a few abusive users,
    /// while closing would turn a Redis outage into an outage for every user; moderation and the
    /// input guards still check every call, and <c>UseRedisBudgets</c> still fails closed on
    /// spending by default.
    /// </remarks>
    public RedisFailureMode FailureMode { get; set; } = RedisFailureMode.FailOpen;

    /// <summary>
    /// Gets or sets how long one Redis round trip of the policy may take before it counts as failed.
    /// Default 1 second; between 10 milliseconds and 1 minute. It bounds the suspension check that
    /// every call makes, also on a connection shared with the budgets.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(1);
}
