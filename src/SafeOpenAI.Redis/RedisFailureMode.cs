namespace SafeOpenAI.Redis;

/// <summary>What <see cref="RedisBudgetTracker"/> does with a reservation when Redis cannot be reached or does not answer in time.</summary>
public enum RedisFailureMode
{
    /// <summary>
    /// Deny the call with <c>budget.unavailable</c> (<see cref="BudgetVerdicts.Unavailable"/>) and
    /// log an error: no spending that cannot be accounted for. The default.
    /// </summary>
    FailClosed,

    /// <summary>
    /// Let a local <see cref="InMemoryBudgetTracker"/> with the same <see cref="BudgetOptions"/>
    /// decide, per instance, and log a warning; a granted call carries the code
    /// <c>budget.degraded</c> (<see cref="BudgetVerdicts.Degraded"/>). With N instances the
    /// shared limits can be exceeded up to N-fold while Redis is down.
    /// </summary>
    FailOpen,
}
