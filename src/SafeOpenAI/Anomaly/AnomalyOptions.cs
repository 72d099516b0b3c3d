namespace SafeOpenAI;

/// <summary>
/// Options of the <see cref="AnomalyMonitor"/> (configuration section <c>SafeOpenAI:Anomaly</c>).
/// Validated when the host starts; each error names its key, for example
/// <c>SafeOpenAI:Anomaly:ModerationFlagThreshold</c>.
/// </summary>
/// <remarks>
/// <para>
/// No standard gives these numbers; the defaults are this library's starting points, chosen so
/// that an ordinary user never trips a rule and a deliberate abuser trips one within minutes.
/// Each property says what its default rests on. Tune them from your own audit records
/// (docs/anomaly-alerts.md explains how).
/// </para>
/// <para>
/// Memory is bounded: the monitor tracks at most <see cref="MaxTrackedUsers"/> users and forgets
/// a user idle for longer than the longest per-user window (the token baseline,
/// <see cref="TokenSpikeWindow"/> × (<see cref="TokenSpikeBaselineWindows"/> + 1)); the global
/// rules keep at most <see cref="MaxGlobalSamples"/> calls and reports.
/// </para>
/// </remarks>
public sealed class AnomalyOptions
{
    /// <summary>Gets or sets a value indicating whether the monitor watches calls. On by default.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets how long a user who trips an abuse rule (<see cref="AnomalyRules.RepeatedModerationFlags"/>,
    /// <see cref="AnomalyRules.RepeatedInjection"/>) is suspended. Default: 1 hour, long enough to
    /// stop a scripted attack and page an operator, short enough that a false positive heals itself.
    /// </summary>
    public TimeSpan SuspensionCooldown { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets a value indicating whether the abuse rules suspend the user (through
    /// <see cref="IUserAccessPolicy.SuspendAsync"/>) besides raising the alert. Default: <see langword="true"/>,
    /// because OpenAI's safety best practices warn that repeated policy violations can get the whole
    /// organisation's access restricted (https://platform.openai.com/docs/guides/safety-best-practices).
    /// </summary>
    public bool SuspendAbusiveUsers { get; set; } = true;

    /// <summary>
    /// Gets or sets the length of one token window of a user (<see cref="AnomalyRules.TokenSpike"/>).
    /// Windows are fixed and aligned to the clock (00:00, 01:00, ...). Default: 1 hour, the
    /// granularity of OpenAI's usage dashboard and of the budget windows.
    /// </summary>
    public TimeSpan TokenSpikeWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets how many previous windows form a user's baseline: the mean of their tokens
    /// over these windows (idle windows count as 0). Default: 24, one day of hourly windows,
    /// so the daily rhythm of a user is in the baseline. At most 1,000 (8 bytes per window per user).
    /// </summary>
    public int TokenSpikeBaselineWindows { get; set; } = 24;

    /// <summary>
    /// Gets or sets how many times the baseline a user's tokens in the current window must exceed.
    /// Default: 10, an order of magnitude, far above the ups and downs of ordinary use.
    /// </summary>
    public double TokenSpikeFactor { get; set; } = 10;

    /// <summary>
    /// Gets or sets the fewest tokens in one window that can trip <see cref="AnomalyRules.TokenSpike"/>,
    /// whatever the baseline, so that a new or quiet user (baseline near 0) is not flagged for a
    /// few calls. Default: 100,000 tokens, about 25 calls at the default 4,000-token output cap
    /// within one hour.
    /// </summary>
    public long TokenSpikeMinimumTokens { get; set; } = 100_000;

    /// <summary>
    /// Gets or sets how many calls of one user flagged by moderation (input or answer) within
    /// <see cref="ModerationFlagWindow"/> trip <see cref="AnomalyRules.RepeatedModerationFlags"/>.
    /// Default: 3, a "three strikes" rule: one flag can be an accident or a false positive of the
    /// classifier, three within the window are a pattern. At most 1,000 (a user keeps up to this many
    /// event times, 8 bytes each).
    /// </summary>
    public int ModerationFlagThreshold { get; set; } = 3;

    /// <summary>Gets or sets the sliding window of <see cref="ModerationFlagThreshold"/>. Default: 1 hour.</summary>
    public TimeSpan ModerationFlagWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets how many calls of one user with a prompt-injection or jailbreak detection
    /// (verdict <c>injection.detected</c>) within <see cref="InjectionWindow"/> trip
    /// <see cref="AnomalyRules.RepeatedInjection"/>. Default: 3, the same "three strikes" as moderation. At most 1,000.
    /// </summary>
    public int InjectionThreshold { get; set; } = 3;

    /// <summary>Gets or sets the sliding window of <see cref="InjectionThreshold"/>. Default: 1 hour.</summary>
    public TimeSpan InjectionWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets the 95th percentile of call durations (<see cref="AuditRecord.Duration"/>)
    /// above which <see cref="AnomalyRules.LatencyP95"/> trips. Default: 30 seconds, under a third
    /// of the OpenAI SDK's 100-second network timeout, and far above a typical chat completion.
    /// </summary>
    public TimeSpan LatencyP95Threshold { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the sliding window of the global rules (<see cref="AnomalyRules.LatencyP95"/>,
    /// <see cref="AnomalyRules.ErrorRate"/>). Default: 5 minutes, the short window of the
    /// multi-window alerts in Google's SRE workbook, chapter "Alerting on SLOs".
    /// </summary>
    public TimeSpan GlobalWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets the fewest calls in <see cref="GlobalWindow"/> before the latency and error-rate
    /// rules judge. Default: 20, so that one slow or failed call of a quiet service is not an incident.
    /// </summary>
    public int GlobalMinimumSamples { get; set; } = 20;

    /// <summary>
    /// Gets or sets the share of calls (0 to 1) that ended <see cref="AuditOutcome.Failed"/> above which
    /// <see cref="AnomalyRules.ErrorRate"/> trips. Default: 0.05 (5 %); blocked calls are the
    /// pipeline working and do not count.
    /// </summary>
    public double ErrorRateThreshold { get; set; } = 0.05;

    /// <summary>
    /// Gets or sets how many user feedback reports within <see cref="FeedbackWindow"/> trip
    /// <see cref="AnomalyRules.FeedbackSpike"/>; a reporter counts once per reported answer.
    /// Default: 10 reports, a product's choice: raise it for services with many users.
    /// </summary>
    public int FeedbackThreshold { get; set; } = 10;

    /// <summary>Gets or sets the sliding window of <see cref="FeedbackThreshold"/>. Default: 1 hour.</summary>
    public TimeSpan FeedbackWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets the most users tracked at once; past it the longest-idle users are forgotten
    /// first. One tracked user takes about 0.75 KB with the default 24 baseline windows (token slots,
    /// flag and detection times, the key; docs/anomaly-alerts.md), so the default 100,000 users hold about 75 MB.
    /// </summary>
    public int MaxTrackedUsers { get; set; } = 100_000;

    /// <summary>
    /// Gets or sets the most calls (and, separately, feedback reports) the global rules keep; past
    /// it the oldest are dropped, which shortens the effective window under very high load.
    /// Default: 100,000 (about 330 calls per second over the default 5-minute window; 16 bytes each).
    /// </summary>
    public int MaxGlobalSamples { get; set; } = 100_000;
}
