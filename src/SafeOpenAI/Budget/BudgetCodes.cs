using System.Globalization;

namespace SafeOpenAI;

/// <summary>
/// The stable verdict codes and evidence keys of budget trackers, shared by every
/// <see cref="IBudgetTracker"/> implementation so that audit records, metrics and alerts read the
/// same whatever store keeps the budgets.
/// </summary>
/// <remarks>
/// A denial names the limit that ran out as <c>budget.exceeded:&lt;scope&gt;-&lt;window&gt;-&lt;metric&gt;</c>,
/// for example <c>budget.exceeded:user-hour-tokens</c> or <c>budget.exceeded:global-month-usd</c>,
/// with evidence <see cref="EvidenceScope"/>, <see cref="EvidenceWindow"/>,
/// <see cref="EvidenceMetric"/>, <see cref="EvidenceLimit"/>, <see cref="EvidenceUsed"/>,
/// <see cref="EvidenceReserved"/>, <see cref="EvidenceRequested"/> and <see cref="EvidenceResetsAt"/>.
/// </remarks>
public static class BudgetCodes
{
    /// <summary>The code of a per-user request-rate denial: <c>rate_limit.exceeded:user-requests-per-minute</c>.</summary>
    public const string RateLimited = "rate_limit.exceeded:user-requests-per-minute";

    /// <summary>The code of a call denied because the budget store could not be reached and the tracker fails closed: <c>budget.unavailable</c>.</summary>
    public const string Unavailable = "budget.unavailable";

    /// <summary>The code of a call admitted by a local fallback because the budget store could not be reached and the tracker fails open: <c>budget.degraded</c>.</summary>
    public const string Degraded = "budget.degraded";

    /// <summary>The code of a call denied because a USD limit applies and the call has no cost estimate: <c>budget.cost_unknown</c>.</summary>
    public const string CostUnknown = "budget.cost_unknown";

    /// <summary>The code of a call blocked because its model has no price and unknown models are blocked: <c>cost.unpriced_model</c>.</summary>
    public const string UnpricedModel = "cost.unpriced_model";

    /// <summary>The code of a call priced with the fallback price because its model has no price: <c>cost.fallback_price</c>.</summary>
    public const string FallbackPrice = "cost.fallback_price";

    /// <summary>Evidence key: the scope of the limit, for example <c>user</c>.</summary>
    public const string EvidenceScope = "scope";

    /// <summary>Evidence key: the window of the limit, for example <c>hour</c>.</summary>
    public const string EvidenceWindow = "window";

    /// <summary>Evidence key: the metric, <c>tokens</c>, <c>requests</c> or <c>usd</c>.</summary>
    public const string EvidenceMetric = "metric";

    /// <summary>Evidence key: the limit, in the metric's unit (invariant culture).</summary>
    public const string EvidenceLimit = "limit";

    /// <summary>Evidence key: what was committed in the window, in the metric's unit.</summary>
    public const string EvidenceUsed = "used";

    /// <summary>Evidence key: what outstanding reservations hold, in the metric's unit.</summary>
    public const string EvidenceReserved = "reserved";

    /// <summary>Evidence key: what the denied call asked for, in the metric's unit.</summary>
    public const string EvidenceRequested = "requested";

    /// <summary>Evidence key: when the window resets, ISO 8601 UTC (<c>yyyy-MM-ddTHH:mm:ssZ</c>).</summary>
    public const string EvidenceResetsAt = "resets_at";

    /// <summary>Evidence key: whole seconds (rounded up) until a retry can succeed.</summary>
    public const string EvidenceRetryAfterSeconds = "retry_after_seconds";

    /// <summary>Evidence key of a denial that no wait can cure: <c>reason</c> = <c>request_exceeds_limit</c>.</summary>
    public const string EvidenceReason = "reason";

    /// <summary>Evidence value of <see cref="EvidenceReason"/> when one call asks for more than the whole limit.</summary>
    public const string RequestExceedsLimit = "request_exceeds_limit";

    /// <summary>Gets the code of a denial by one limit.</summary>
    /// <param name="scope">The scope of the limit.</param>
    /// <param name="window">The window of the limit.</param>
    /// <param name="metric">The metric that ran out.</param>
    /// <returns>For example <c>budget.exceeded:user-hour-tokens</c>.</returns>
    public static string Exceeded(BudgetScope scope, BudgetWindow window, BudgetMetric metric) =>
        "budget.exceeded:" + Name(scope, window) + "-" + Name(metric);

    /// <summary>Gets the lower-case name of a limit: scope and window joined by <c>-</c>, for example <c>tenant-month</c>.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="window">The window.</param>
    /// <returns>The name.</returns>
    public static string Name(BudgetScope scope, BudgetWindow window) => Name(scope) + "-" + Name(window);

    /// <summary>Gets the lower-case name of a scope: <c>user</c>, <c>session</c>, <c>tenant</c> or <c>global</c>.</summary>
    /// <param name="scope">The scope.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scope"/> is not defined.</exception>
    public static string Name(BudgetScope scope) => scope switch
    {
        BudgetScope.User => "user",
        BudgetScope.Session => "session",
        BudgetScope.Tenant => "tenant",
        BudgetScope.Global => "global",
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "Unknown budget scope."),
    };

    /// <summary>Gets the lower-case name of a window: <c>minute</c>, <c>hour</c>, <c>day</c> or <c>month</c>.</summary>
    /// <param name="window">The window.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is not defined.</exception>
    public static string Name(BudgetWindow window) => window switch
    {
        BudgetWindow.Minute => "minute",
        BudgetWindow.Hour => "hour",
        BudgetWindow.Day => "day",
        BudgetWindow.Month => "month",
        _ => throw new ArgumentOutOfRangeException(nameof(window), window, "Unknown budget window."),
    };

    /// <summary>Gets the lower-case name of a metric: <c>tokens</c>, <c>requests</c> or <c>usd</c>.</summary>
    /// <param name="metric">The metric.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="metric"/> is not defined.</exception>
    public static string Name(BudgetMetric metric) => metric switch
    {
        BudgetMetric.Tokens => "tokens",
        BudgetMetric.Requests => "requests",
        BudgetMetric.CostUsd => "usd",
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown budget metric."),
    };

    /// <summary>Formats an amount for evidence: invariant culture, no exponent, no trailing zeros.</summary>
    /// <param name="amount">Tokens, requests or USD.</param>
    /// <returns>For example <c>1500</c> or <c>0.0125</c>.</returns>
    public static string FormatAmount(decimal amount) => amount.ToString("0.##########", CultureInfo.InvariantCulture);

    /// <summary>Formats an instant for evidence: ISO 8601 UTC, whole seconds.</summary>
    /// <param name="instant">The instant.</param>
    /// <returns>For example <c>2026-12-01T00:00:00Z</c>.</returns>
    public static string FormatInstant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Formats a wait for evidence: whole seconds, rounded up, at least 1.</summary>
    /// <param name="wait">The wait.</param>
    /// <returns>For example <c>42</c>.</returns>
    public static string FormatSeconds(TimeSpan wait) =>
        Math.Max(1L, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
