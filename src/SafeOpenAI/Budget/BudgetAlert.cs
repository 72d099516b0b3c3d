namespace SafeOpenAI;

/// <summary>
/// A budget crossed an alert threshold (<see cref="BudgetOptions.AlertThresholds"/>): raised once
/// per threshold, limit, metric, key and window to every <see cref="IBudgetAlertSink"/>. Holds no
/// raw user data: <see cref="Key"/> is the hashed safety identifier, the hashed session id, the
/// tenant id or <c>global</c>. Immutable.
/// </summary>
/// <param name="Tracker">The name of the tracker that raised it, for example <c>InMemoryBudget</c>.</param>
/// <param name="Scope">The scope of the limit.</param>
/// <param name="Key">The key within the scope.</param>
/// <param name="Window">The window of the limit.</param>
/// <param name="Metric">The metric that crossed the threshold.</param>
/// <param name="Threshold">The threshold as a fraction of the limit (0.8 is 80 %).</param>
/// <param name="Limit">The limit, in tokens, requests or USD.</param>
/// <param name="Used">The usage committed in the window when the alert was raised, in the same unit.</param>
/// <param name="Denied"><see langword="true"/> when a denied call raised it (thresholds of 1.0 and above) rather than committed usage.</param>
/// <param name="WindowStart">When the window began (UTC).</param>
/// <param name="ResetsAt">When the window ends and its usage resets (UTC).</param>
public sealed record BudgetAlert(
    string Tracker,
    BudgetScope Scope,
    string Key,
    BudgetWindow Window,
    BudgetMetric Metric,
    double Threshold,
    decimal Limit,
    decimal Used,
    bool Denied,
    DateTimeOffset WindowStart,
    DateTimeOffset ResetsAt)
{
    /// <summary>Gets the limit's name with its metric, as in verdict codes: for example <c>user-month-usd</c>.</summary>
    public string LimitName => BudgetCodes.Name(Scope, Window) + "-" + BudgetCodes.Name(Metric);
}
