using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace SafeOpenAI;

/// <summary>
/// Watches every call's <see cref="AuditRecord"/> and every user feedback report, evaluates the
/// anomaly rules over sliding windows, raises <see cref="SafetyAlert"/>s and suspends abusive users
/// through the <see cref="IUserAccessPolicy"/>.
/// </summary>
/// <remarks>
/// <para>The rules (codes in <see cref="AnomalyRules"/>, thresholds in <see cref="AnomalyOptions"/>):</para>
/// <list type="bullet">
/// <item><see cref="AnomalyRules.TokenSpike"/> (user): billed tokens in the current fixed window above
/// max(<see cref="AnomalyOptions.TokenSpikeFactor"/> × the mean of the user's previous
/// <see cref="AnomalyOptions.TokenSpikeBaselineWindows"/> windows, <see cref="AnomalyOptions.TokenSpikeMinimumTokens"/>).</item>
/// <item><see cref="AnomalyRules.RepeatedModerationFlags"/> (user, suspends): calls with a flagged
/// moderation score or a <c>moderation.flagged:*</c> verdict, counted in a sliding window.</item>
/// <item><see cref="AnomalyRules.RepeatedInjection"/> (user, suspends): calls with an
/// <c>injection.detected</c> verdict (<see cref="PromptInjectionGuard"/> or
/// <see cref="ModelInjectionClassifier"/>), counted in a sliding window.</item>
/// <item><see cref="AnomalyRules.LatencyP95"/> (global): the nearest-rank 95th percentile of the
/// durations of answered calls (<see cref="AuditOutcome.Completed"/>, <see cref="AuditOutcome.PendingReview"/>) in the sliding window.</item>
/// <item><see cref="AnomalyRules.ErrorRate"/> (global): failed calls over all calls but cancelled ones in the sliding window.</item>
/// <item><see cref="AnomalyRules.FeedbackSpike"/> (global): feedback reports in the sliding window, one per reporter and answer.</item>
/// </list>
/// <para>
/// A user is named by the same key as the budgets' user subject: the safety identifier, or
/// <c>anonymous:&lt;session hash&gt;</c>; a call with neither is only seen by the global rules and
/// never suspends anyone. Each rule alerts at most once per window for each subject, so an ongoing
/// incident raises one alert, not one per call. Time comes from the <see cref="TimeProvider"/>.
/// </para>
/// <para>
/// A fault of the monitor never fails the user's call: it is logged (error, event id 3205); a
/// suspension that cannot be written is logged (error, event id 3204, with the rule and the user
/// key) and the alert still goes out, without <see cref="SafetyAlert.SuspendedUntil"/>.
/// Memory is bounded as <see cref="AnomalyOptions"/> describes. Thread-safe.
/// </para>
/// </remarks>
public sealed partial class AnomalyMonitor
{
    private const string ModerationFlaggedPrefix = OpenAIModerationCheck.FlaggedCode;
    private const string InjectionDetected = PromptInjectionGuard.DetectedCode;

    private readonly AnomalyOptions _options;
    private readonly IUserAccessPolicy _accessPolicy;
    private readonly SafetyAlertDispatcher _alerts;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, UserState> _users = new(StringComparer.Ordinal);
    private readonly GlobalState _global;
    private readonly FeedbackState _feedback;
    private readonly long _tokenWindowTicks;
    private readonly long _userIdleTicks;
    private long _lastSweepTicks;
    private int _sweeping;
    private int _userCount;

    /// <summary>Creates a monitor.</summary>
    /// <param name="options">The options; read when the monitor is created.</param>
    /// <param name="accessPolicy">Where suspensions are written.</param>
    /// <param name="alerts">Delivers alerts to the sinks.</param>
    /// <param name="timeProvider">The clock of the sliding windows.</param>
    /// <param name="loggerFactory">Creates the <c>SafeOpenAI.Anomaly</c> logger.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range (the message names its key).</exception>
    public AnomalyMonitor(AnomalyOptions options, IUserAccessPolicy accessPolicy, SafetyAlertDispatcher alerts, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(accessPolicy);
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var errors = new List<string>();
        SafeOpenAIOptionsValidator.ValidateAnomaly(options, key => SafeOpenAIOptions.SectionName + ":" + key, errors);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _accessPolicy = accessPolicy;
        _alerts = alerts;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger("SafeOpenAI.Anomaly");
        _tokenWindowTicks = options.TokenSpikeWindow.Ticks;
        _userIdleTicks = Math.Max(
            options.TokenSpikeWindow.Ticks * (options.TokenSpikeBaselineWindows + 1L),
            Math.Max(options.ModerationFlagWindow.Ticks, options.InjectionWindow.Ticks));
        _global = new GlobalState(options);
        _feedback = new FeedbackState(options);
        _lastSweepTicks = timeProvider.GetUtcNow().UtcTicks;
    }

    /// <summary>Gets the number of users tracked now (at most <see cref="AnomalyOptions.MaxTrackedUsers"/> after each observation).</summary>
    public int TrackedUsers => Volatile.Read(ref _userCount);

    /// <summary>Gets the key that names a call's user, as the budgets and the access policy name it.</summary>
    /// <param name="record">The call's audit record.</param>
    /// <returns>The safety identifier, <c>anonymous:&lt;session hash&gt;</c>, or <see langword="null"/> for a call with neither.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    public static string? UserKeyOf(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.SafetyIdentifier ?? (record.SessionHash is null ? null : "anonymous:" + record.SessionHash);
    }

    /// <summary>Observes one finished call. Never throws for a fault of the monitor, the access policy or the alert queue.</summary>
    /// <param name="record">The call's audit record.</param>
    /// <param name="cancellationToken">Cancels the suspension write (a cancelled write is logged like a failed one).</param>
    /// <returns>A task that completes when the rules were evaluated and any suspension written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    public ValueTask ObserveAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!_options.Enabled)
        {
            return ValueTask.CompletedTask;
        }

        List<Trip>? trips = null;
        try
        {
            var now = _timeProvider.GetUtcNow();
            _global.Observe(record, now, ref trips);
            if (UserKeyOf(record) is { } userKey)
            {
                ObserveUser(userKey, record, now, ref trips);
                SweepIfDue(now.UtcTicks);
            }
        }
        catch (Exception ex)
        {
            LogMonitorFailed(_logger, ex, record.AuditId);
        }

        return trips is null ? ValueTask.CompletedTask : RaiseAsync(trips, cancellationToken);
    }

    /// <summary>Observes one user feedback report about an answer. Never throws for a fault of the monitor.</summary>
    /// <param name="auditId">The audit id of the reported answer.</param>
    /// <param name="reporterUserKey">The reporter's user key, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the observation.</param>
    /// <returns>A task that completes when the rules were evaluated.</returns>
    /// <exception cref="ArgumentException"><paramref name="auditId"/> is null or empty.</exception>
    public ValueTask ObserveFeedbackAsync(string auditId, string? reporterUserKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(auditId);
        if (!_options.Enabled)
        {
            return ValueTask.CompletedTask;
        }

        List<Trip>? trips = null;
        try
        {
            _feedback.Observe(auditId, reporterUserKey, _timeProvider.GetUtcNow(), ref trips);
        }
        catch (Exception ex)
        {
            LogMonitorFailed(_logger, ex, auditId);
        }

        return trips is null ? ValueTask.CompletedTask : RaiseAsync(trips, cancellationToken);
    }

    // Indexed loops: foreach over IReadOnlyList<T> would allocate an enumerator per call.
    private static bool IsModerationFlagged(AuditRecord record)
    {
        var scores = record.ModerationScores;
        for (var i = 0; i < scores.Count; i++)
        {
            if (scores[i].Flagged)
            {
                return true;
            }
        }

        var codes = record.VerdictCodes;
        for (var i = 0; i < codes.Count; i++)
        {
            if (CodeOf(codes[i]).StartsWith(ModerationFlaggedPrefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInjectionDetected(AuditRecord record)
    {
        var codes = record.VerdictCodes;
        for (var i = 0; i < codes.Count; i++)
        {
            if (CodeOf(codes[i]).Equals(InjectionDetected, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The code part of a <c>Stage:code</c> entry of <see cref="AuditRecord.VerdictCodes"/>.</summary>
    private static ReadOnlySpan<char> CodeOf(string stageAndCode)
    {
        var colon = stageAndCode.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? stageAndCode : stageAndCode.AsSpan(colon + 1);
    }

    private static void Add(ref List<Trip>? trips, Trip trip) => (trips ??= []).Add(trip);

    private void ObserveUser(string userKey, AuditRecord record, DateTimeOffset now, ref List<Trip>? trips)
    {
        UserState? state;
        while (!_users.TryGetValue(userKey, out state))
        {
            // Counted here rather than with ConcurrentDictionary.Count, which takes every lock of the dictionary.
            var created = new UserState(_options.TokenSpikeBaselineWindows + 1);
            if (_users.TryAdd(userKey, created))
            {
                Interlocked.Increment(ref _userCount);
                state = created;
                break;
            }
        }

        var ticks = now.UtcTicks;
        var flagged = IsModerationFlagged(record);
        var injection = IsInjectionDetected(record);
        lock (state)
        {
            state.LastSeenTicks = ticks;
            if (record.Usage is { } usage && usage.TotalTokens > 0)
            {
                var (current, baseline) = state.AddTokens(ticks / _tokenWindowTicks, usage.TotalTokens);
                var threshold = Math.Max(_options.TokenSpikeFactor * baseline, _options.TokenSpikeMinimumTokens);
                var window = ticks / _tokenWindowTicks;
                if (current > threshold && state.TokenAlertWindow != window)
                {
                    state.TokenAlertWindow = window;
                    Add(ref trips, new Trip(new SafetyAlert(AnomalyRules.TokenSpike, AlertScope.User, userKey, current, threshold, "tokens", _options.TokenSpikeWindow, now), Suspend: false));
                }
            }

            if (flagged && state.Flags.Hit(ticks, _options.ModerationFlagWindow.Ticks, _options.ModerationFlagThreshold) is { } flags)
            {
                Add(ref trips, new Trip(new SafetyAlert(AnomalyRules.RepeatedModerationFlags, AlertScope.User, userKey, flags, _options.ModerationFlagThreshold, "count", _options.ModerationFlagWindow, now), _options.SuspendAbusiveUsers));
            }

            if (injection && state.Injections.Hit(ticks, _options.InjectionWindow.Ticks, _options.InjectionThreshold) is { } detections)
            {
                Add(ref trips, new Trip(new SafetyAlert(AnomalyRules.RepeatedInjection, AlertScope.User, userKey, detections, _options.InjectionThreshold, "count", _options.InjectionWindow, now), _options.SuspendAbusiveUsers));
            }
        }
    }

    /// <summary>Forgets idle users once per token window, and the longest-idle ones when over the bound (down to 90 % of it, so the sort is rare).</summary>
    private void SweepIfDue(long nowTicks)
    {
        var overBound = Volatile.Read(ref _userCount) > _options.MaxTrackedUsers;
        if ((!overBound && nowTicks - Volatile.Read(ref _lastSweepTicks) < _tokenWindowTicks) || Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            Volatile.Write(ref _lastSweepTicks, nowTicks);
            foreach (var entry in _users)
            {
                if (nowTicks - Volatile.Read(ref entry.Value.LastSeenTicks) > _userIdleTicks)
                {
                    Forget(entry);
                }
            }

            var excess = Volatile.Read(ref _userCount) - (overBound ? _options.MaxTrackedUsers - (_options.MaxTrackedUsers / 10) : _options.MaxTrackedUsers);
            if (excess > 0)
            {
                foreach (var entry in _users.OrderBy(e => Volatile.Read(ref e.Value.LastSeenTicks)).Take(excess).ToArray())
                {
                    Forget(entry);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private void Forget(KeyValuePair<string, UserState> entry)
    {
        if (_users.TryRemove(entry))
        {
            Interlocked.Decrement(ref _userCount);
        }
    }

    private async ValueTask RaiseAsync(List<Trip> trips, CancellationToken cancellationToken)
    {
        foreach (var trip in trips)
        {
            var alert = trip.Alert;
            if (trip.Suspend && alert.Subject is { } userKey)
            {
                try
                {
                    var suspension = await _accessPolicy.SuspendAsync(
                        new UserSuspension(userKey, alert.Rule, alert.RaisedAt, alert.RaisedAt + _options.SuspensionCooldown),
                        cancellationToken).ConfigureAwait(false);
                    alert = alert with { SuspendedUntil = suspension.Until };
                }
                catch (Exception ex)
                {
                    LogSuspensionFailed(_logger, ex, alert.Rule, userKey);
                }
            }

            try
            {
                _alerts.Enqueue(alert);
            }
            catch (Exception ex)
            {
                LogMonitorFailed(_logger, ex, alert.Rule);
            }
        }
    }

    [LoggerMessage(EventId = 3204, EventName = "AnomalySuspensionFailed", Level = LogLevel.Error,
        Message = "Rule {Rule} tripped for user {UserKey}, but the suspension could not be written; the alert goes out without it.")]
    private static partial void LogSuspensionFailed(ILogger logger, Exception exception, string rule, string userKey);

    [LoggerMessage(EventId = 3205, EventName = "AnomalyMonitorFailed", Level = LogLevel.Error,
        Message = "The anomaly monitor failed while observing {Subject}; the call was not affected.")]
    private static partial void LogMonitorFailed(ILogger logger, Exception exception, string subject);

    private readonly record struct Trip(SafetyAlert Alert, bool Suspend);

    /// <summary>Event times of one count rule of one user in a sliding window; holds at most the threshold's number of times.</summary>
    private sealed class SlidingCount
    {
        private readonly Queue<long> _times = new();
        private long _lastAlertTicks = long.MinValue;

        /// <summary>Records one event; returns the count in the window when the rule trips now, otherwise null.</summary>
        public int? Hit(long nowTicks, long windowTicks, int threshold)
        {
            _times.Enqueue(nowTicks);
            while (_times.Count > threshold || (_times.Count > 0 && _times.Peek() <= nowTicks - windowTicks))
            {
                _times.Dequeue();
            }

            if (_times.Count < threshold || (_lastAlertTicks != long.MinValue && nowTicks - _lastAlertTicks < windowTicks))
            {
                return null;
            }

            _lastAlertTicks = nowTicks;
            return _times.Count;
        }
    }

    /// <summary>One user's state; guarded by locking the instance.</summary>
    private sealed class UserState(int windows)
    {
        private readonly long[] _tokens = new long[windows];
        private long _latestWindow = -1;

        public long LastSeenTicks;

        public long TokenAlertWindow { get; set; } = -1;

        public SlidingCount Flags { get; } = new();

        public SlidingCount Injections { get; } = new();

        /// <summary>Adds tokens to a window; returns that window's total and the mean of the windows before it.</summary>
        public (long Current, double Baseline) AddTokens(long window, long tokens)
        {
            if (_latestWindow < 0)
            {
                _latestWindow = window;
            }
            else if (window > _latestWindow)
            {
                // Clear the slots of the windows skipped since the last call (idle windows count as 0).
                var skipped = Math.Min(window - _latestWindow, _tokens.Length);
                for (var i = 1; i <= skipped; i++)
                {
                    _tokens[(_latestWindow + i) % _tokens.Length] = 0;
                }

                _latestWindow = window;
            }

            // A clock that went back adds to the latest window.
            var slot = (int)(_latestWindow % _tokens.Length);
            _tokens[slot] += tokens;
            long previous = 0;
            for (var i = 0; i < _tokens.Length; i++)
            {
                previous += i == slot ? 0 : _tokens[i];
            }

            return (_tokens[slot], (double)previous / (_tokens.Length - 1));
        }
    }

    /// <summary>The latency and error-rate rules over every call; guarded by locking the instance.</summary>
    private sealed class GlobalState(AnomalyOptions options)
    {
        private readonly object _gate = new();
        private readonly Queue<(long Ticks, long DurationTicks, bool Answered, bool Failed)> _calls = new();
        private readonly long _windowTicks = options.GlobalWindow.Ticks;
        private readonly long _thresholdTicks = options.LatencyP95Threshold.Ticks;
        private int _answered;
        private int _slow;
        private int _failed;
        private long _lastLatencyAlert = long.MinValue;
        private long _lastErrorAlert = long.MinValue;

        public void Observe(AuditRecord record, DateTimeOffset now, ref List<Trip>? trips)
        {
            if (record.Outcome == AuditOutcome.Cancelled)
            {
                return;
            }

            var ticks = now.UtcTicks;
            var answered = record.Outcome is AuditOutcome.Completed or AuditOutcome.PendingReview;
            var failed = record.Outcome == AuditOutcome.Failed;
            lock (_gate)
            {
                _calls.Enqueue((ticks, record.Duration.Ticks, answered, failed));
                Count((ticks, record.Duration.Ticks, answered, failed), +1);
                while (_calls.Count > 0 && (_calls.Count > options.MaxGlobalSamples || _calls.Peek().Ticks <= ticks - _windowTicks))
                {
                    Count(_calls.Dequeue(), -1);
                }

                if (_answered >= options.GlobalMinimumSamples
                    && _answered - _slow < NearestRank(_answered)
                    && (_lastLatencyAlert == long.MinValue || ticks - _lastLatencyAlert >= _windowTicks))
                {
                    _lastLatencyAlert = ticks;
                    var durations = _calls.Where(c => c.Answered).Select(c => c.DurationTicks).Order().ToArray();
                    var p95 = TimeSpan.FromTicks(durations[NearestRank(durations.Length) - 1]).TotalSeconds;
                    Add(ref trips, new Trip(new SafetyAlert(AnomalyRules.LatencyP95, AlertScope.Global, null, p95, options.LatencyP95Threshold.TotalSeconds, "seconds", options.GlobalWindow, now), Suspend: false));
                }

                if (_calls.Count >= options.GlobalMinimumSamples
                    && (double)_failed / _calls.Count > options.ErrorRateThreshold
                    && (_lastErrorAlert == long.MinValue || ticks - _lastErrorAlert >= _windowTicks))
                {
                    _lastErrorAlert = ticks;
                    Add(ref trips, new Trip(new SafetyAlert(AnomalyRules.ErrorRate, AlertScope.Global, null, Math.Round((double)_failed / _calls.Count, 4), options.ErrorRateThreshold, "ratio", options.GlobalWindow, now), Suspend: false));
                }
            }
        }

        /// <summary>The 1-based nearest rank of the 95th percentile of <paramref name="n"/> samples: ceil(0.95 n).</summary>
        private static int NearestRank(int n) => (int)Math.Ceiling(0.95 * n);

        private void Count((long Ticks, long DurationTicks, bool Answered, bool Failed) call, int sign)
        {
            if (call.Answered)
            {
                _answered += sign;
                _slow += call.DurationTicks > _thresholdTicks ? sign : 0;
            }

            _failed += call.Failed ? sign : 0;
        }
    }

    /// <summary>The feedback-report rule; guarded by locking the instance.</summary>
    private sealed class FeedbackState(AnomalyOptions options)
    {
        private readonly object _gate = new();
        private readonly Queue<(long Ticks, string Key)> _reports = new();
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private readonly long _windowTicks = options.FeedbackWindow.Ticks;
        private long _lastAlert = long.MinValue;

        public void Observe(string auditId, string? reporter, DateTimeOffset now, ref List<Trip>? trips)
        {
            var ticks = now.UtcTicks;
            var key = string.Create(CultureInfo.InvariantCulture, $"{auditId}\n{reporter}");
            lock (_gate)
            {
                while (_reports.Count > 0 && (_reports.Count >= options.MaxGlobalSamples || _reports.Peek().Ticks <= ticks - _windowTicks))
                {
                    _seen.Remove(_reports.Dequeue().Key);
                }

                if (!_seen.Add(key))
                {
                    return;
                }

                _reports.Enqueue((ticks, key));
                if (_reports.Count >= options.FeedbackThreshold && (_lastAlert == long.MinValue || ticks - _lastAlert >= _windowTicks))
                {
                    _lastAlert = ticks;
                    Add(ref trips, new Trip(new SafetyAlert(AnomalyRules.FeedbackSpike, AlertScope.Global, null, _reports.Count, options.FeedbackThreshold, "count", options.FeedbackWindow, now), Suspend: false));
                }
            }
        }
    }
}
