namespace SafeOpenAI.Redis;

/// <summary>
/// What a SafeOpenAI.Redis component does when Redis cannot be reached or does not answer in time:
/// <see cref="RedisBudgetTracker"/> with a reservation (default <see cref="FailClosed"/>),
/// <see cref="RedisUserAccessPolicy"/> with a suspension check (default <see cref="FailOpen"/>).
/// </summary>
public enum RedisFailureMode
{
    /// <summary>
    /// Block the call and log an error. Budgets: the reservation is denied with
    /// <c>budget.unavailable</c> (<see cref="BudgetVerdicts.Unavailable"/>): no spending that cannot
    /// be accounted for; the budgets' default. Access policy: the user is treated as suspended
    /// (<c>access.suspended</c> with reason <see cref="RedisUserAccessPolicy.UnavailableReason"/>)
    /// unless this instance knows the user's real suspension.
    /// </summary>
    FailClosed,

    /// <summary>
    /// Let the call go on. Budgets: a local <see cref="InMemoryBudgetTracker"/> with the same
    /// <see cref="BudgetOptions"/> decides, per instance, and a warning is logged; a granted call
    /// carries the code <c>budget.degraded</c> (<see cref="BudgetVerdicts.Degraded"/>). With N
    /// instances the shared limits can be exceeded up to N-fold while Redis is down. Access policy:
    /// the call is allowed unless this instance last saw the user suspended, and an error is logged;
    /// the access policy's default.
    /// </summary>
    FailOpen,
}
