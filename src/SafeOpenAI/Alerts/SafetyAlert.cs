namespace SafeOpenAI;

/// <summary>
/// Something needs a person's attention: an anomaly rule of the <see cref="AnomalyMonitor"/>
/// tripped, or the <see cref="HumanReviewQueue"/> escalated a held answer nobody decided in time
/// (<see cref="HumanReviewQueue.EscalatedAlertRule"/>). Says what was observed, against which
/// threshold, over which window, and about whom. Delivered to every <see cref="ISafetyAlertSink"/>.
/// Holds no raw user data: <see cref="Subject"/> is a user key (the hashed safety identifier) or a
/// review id. Immutable.
/// </summary>
/// <remarks>
/// A <c>review.escalated</c> alert has <see cref="AlertScope.Review"/>, the review id as subject,
/// the escalations so far as <see cref="Observed"/>, <see cref="HumanReviewOptions.MaxEscalations"/>
/// as <see cref="Threshold"/> (unit <c>count</c>), and as <see cref="Window"/> how long the answer
/// had waited when its deadline passed.
/// </remarks>
/// <param name="Rule">The rule, as a stable code: one of <see cref="AnomalyRules"/> (for example <c>anomaly.token_spike</c>) or <c>review.escalated</c>.</param>
/// <param name="Scope">Whether the rule watches one user, every call, or one held answer.</param>
/// <param name="Subject">The user key for <see cref="AlertScope.User"/> rules; the review id for <see cref="AlertScope.Review"/>; <see langword="null"/> for <see cref="AlertScope.Global"/> rules.</param>
/// <param name="Observed">The observed value, in <paramref name="Unit"/>.</param>
/// <param name="Threshold">The threshold the observed value crossed, in <paramref name="Unit"/>.</param>
/// <param name="Unit">The unit of both values: <c>tokens</c>, <c>count</c>, <c>seconds</c> or <c>ratio</c>.</param>
/// <param name="Window">The length of the sliding window the value was observed over; for a review, how long it had waited.</param>
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
