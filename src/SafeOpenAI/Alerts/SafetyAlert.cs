namespace SafeOpenAI;

/// <summary>
/// An anomaly rule of the <see cref="AnomalyMonitor"/> tripped: what was observed, against which
/// threshold, over which window, and for whom. Delivered to every <see cref="ISafetyAlertSink"/>.
/// Holds no raw user data: <see cref="Subject"/> is a user key (the hashed safety identifier).
/// Immutable.
/// </summary>
/// <param name="Rule">The rule, as a stable code from <see cref="AnomalyRules"/>, for example <c>anomaly.token_spike</c>.</param>
/// <param name="Scope">Whether the rule watches one user or every call.</param>
/// <param name="Subject">The user key for <see cref="AlertScope.User"/> rules; <see langword="null"/> for <see cref="AlertScope.Global"/> rules.</param>
/// <param name="Observed">The observed value, in <paramref name="Unit"/>.</param>
/// <param name="Threshold">The threshold the observed value crossed, in <paramref name="Unit"/>.</param>
/// <param name="Unit">The unit of both values: <c>tokens</c>, <c>count</c>, <c>seconds</c> or <c>ratio</c>.</param>
/// <param name="Window">The length of the sliding window the value was observed over.</param>
/// <param name="RaisedAt">When the rule tripped (UTC).</param>
/// <param name="SuspendedUntil">When the user's suspension ends, when the rule suspended the user; otherwise <see langword="null"/>.</param>
public sealed record SafetyAlert(
    string Rule,
    AlertScope Scope,
    string? Subject,
    double Observed,
    double Threshold,
    string Unit,
    TimeSpan Window,
    DateTimeOffset RaisedAt,
    DateTimeOffset? SuspendedUntil = null);
