namespace SafeOpenAI;

/// <summary>
/// Budgets, request rate limits, alerts and cost policy (configuration section
/// <c>SafeOpenAI:Budget</c>), read by every <see cref="IBudgetTracker"/> SafeOpenAI ships: the
/// in-memory one and the Redis one count the same limits the same way.
/// </summary>
/// <remarks>
/// <para>
/// Lists bound from configuration are appended to, never replaced, by
/// <c>Microsoft.Extensions.Configuration</c>; so the defaults of <see cref="Limits"/> and
/// <see cref="AlertThresholds"/> are not items of the lists but apply when a list is left empty
/// (<see cref="EffectiveLimits"/>, <see cref="EffectiveAlertThresholds"/>).
/// </para>
/// <para>The "denial of wallet" defence of OWASP's LLM10:2025 Unbounded Consumption: cap what one user, session, tenant or the whole application may spend per window.</para>
/// </remarks>
public sealed class BudgetOptions
{
    /// <summary>The request rate per user per minute when <see cref="RequestsPerMinute"/> is not set: 60.</summary>
    public const int DefaultRequestsPerMinute = 60;

    /// <summary>Gets the budgets; every one must admit a call. Empty (the default) means <see cref="DefaultLimits"/>.</summary>
    public IList<BudgetLimit> Limits { get; } = [];

    /// <summary>
    /// Gets the alert thresholds as fractions of a limit (0.8 is 80 %), each greater than 0 and at
    /// most 10. Empty (the default) means 0.8 and 1.0. A <see cref="BudgetAlert"/> is raised once
    /// per threshold, limit, metric, key and window: when the usage committed in the window first
    /// reaches the threshold, and, for thresholds of 1.0 and above, when the limit first denies a
    /// call that a wait could admit (an exhausted budget may stop short of 100 % committed).
    /// </summary>
    public IList<double> AlertThresholds { get; } = [];

    /// <summary>
    /// Gets or sets the most model requests one user (safety identifier) may start per minute, as
    /// a token bucket of <see cref="RequestBurst"/> permits refilled at this rate; <see langword="null"/>
    /// for no rate limit. Default 60. Denials carry the wait in <see cref="BudgetReservation.RetryAfter"/>.
    /// </summary>
    public int? RequestsPerMinute { get; set; } = DefaultRequestsPerMinute;

    /// <summary>Gets or sets how many requests a user may make at once before the rate applies (the bucket size); <see langword="null"/> means <see cref="RequestsPerMinute"/>.</summary>
    public int? RequestBurst { get; set; }

    /// <summary>Gets or sets what happens to a call whose model has no price. Default <see cref="UnknownModelPolicy.UseFallbackPrice"/>.</summary>
    public UnknownModelPolicy UnknownModel { get; set; } = UnknownModelPolicy.UseFallbackPrice;

    /// <summary>
    /// Gets or sets the model whose price unknown models are charged at under
    /// <see cref="UnknownModelPolicy.UseFallbackPrice"/>. Default <c>gpt-4o</c>, the dearest
    /// built-in price, so that a fallback over-counts rather than under-counts.
    /// </summary>
    public string FallbackPriceModel { get; set; } = "gpt-4o";

    /// <summary>Gets the limits that apply when <see cref="Limits"/> is empty: 200,000 tokens per user per hour.</summary>
    public static IReadOnlyList<BudgetLimit> DefaultLimits { get; } =
        [new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Hour, Tokens = 200_000 }];

    /// <summary>Gets the limits in force: <see cref="Limits"/>, or <see cref="DefaultLimits"/> when it is empty.</summary>
    public IReadOnlyList<BudgetLimit> EffectiveLimits => Limits.Count > 0 ? [.. Limits] : DefaultLimits;

    /// <summary>Gets the alert thresholds in force, ascending and distinct: <see cref="AlertThresholds"/>, or 0.8 and 1.0 when it is empty.</summary>
    public IReadOnlyList<double> EffectiveAlertThresholds =>
        AlertThresholds.Count > 0 ? [.. AlertThresholds.Distinct().Order()] : [0.8, 1.0];

    /// <summary>Gets the bucket size in force: <see cref="RequestBurst"/>, or <see cref="RequestsPerMinute"/> when unset.</summary>
    public int? EffectiveRequestBurst => RequestsPerMinute is null ? null : RequestBurst ?? RequestsPerMinute;
}
