using System.Threading.RateLimiting;

namespace SafeOpenAI;

/// <summary>
/// Keeps budgets (<see cref="BudgetOptions.Limits"/>: tokens, requests and USD per user, session,
/// tenant and globally, per minute, hour, day and calendar month) and the per-user request rate in
/// process memory, with the atomic reserve → settle / release protocol of
/// <see cref="IBudgetTracker"/>. For one instance; a farm of servers shares budgets through a
/// store such as <c>SafeOpenAI.Redis</c>, which follows the same rules.
/// </summary>
/// <remarks>
/// <para>
/// <b>Exactness</b>: every check and update of a reservation, settlement or release is one step
/// under one lock, so under any concurrency committed usage plus holds never passes a limit
/// because of a race. The lock covers a few dictionary lookups and additions per applicable limit
/// (no I/O, no allocation beyond the reservation), and alerts are delivered after it is released.
/// </para>
/// <para>
/// <b>Windows</b> follow the <see cref="TimeProvider"/> (<see cref="BudgetWindows"/>): committed
/// usage belongs to the window current when it was settled and resets when that window ends.
/// Holds belong to the key and count against every window they are outstanding in.
/// </para>
/// <para>
/// <b>Request rate</b>: a <see cref="TokenBucketRateLimiter"/> per user key
/// (<see cref="PartitionedRateLimiter"/> from System.Threading.RateLimiting) holding
/// <see cref="BudgetOptions.EffectiveRequestBurst"/> permits, refilled one at a time at
/// <see cref="BudgetOptions.RequestsPerMinute"/>. It is asked only after the budgets admit a call,
/// so a denied call never uses a permit. That library reads the real clock (a
/// <see cref="System.Diagnostics.Stopwatch"/>), not the <see cref="TimeProvider"/>, so the rate
/// follows real time even in tests with a fake clock.
/// </para>
/// <para>
/// <b>Alerts</b> (<see cref="BudgetOptions.AlertThresholds"/>) are raised once per threshold,
/// limit, metric, key and window and handed to the <see cref="BudgetAlertDispatcher"/> before the
/// call that raised them returns.
/// </para>
/// <para>
/// <b>Memory</b>: a key is dropped once a new key would behave the same (no outstanding
/// reservation and every window it counted is over); the sweep runs under the lock at most once a
/// minute of <see cref="TimeProvider"/> time and costs O(keys). Idle rate-limit buckets are
/// dropped by the rate limiter itself.
/// </para>
/// <para>Thread-safe. The options are read once, in the constructor. Dispose to stop the rate limiter's replenishment timer.</para>
/// </remarks>
public sealed class InMemoryBudgetTracker : IBudgetTracker, IBudgetUsageReader, IDisposable
{
    /// <summary>The tracker's stage name: <c>InMemoryBudget</c>.</summary>
    public const string StageName = "InMemoryBudget";

    private const int MaxThresholds = 20;
    private static readonly SafetyVerdict s_granted = SafetyVerdict.Allow(StageName);
    private static readonly BudgetMetric[] s_metrics = [BudgetMetric.Tokens, BudgetMetric.Requests, BudgetMetric.CostUsd];

    private readonly object _gate = new();
    private readonly Dictionary<(BudgetScope Scope, string Key), KeyState> _keys = [];
    private readonly Dictionary<BudgetReservation, KeyState[]> _outstanding = new(ReferenceEqualityComparer.Instance);
    private readonly BudgetLimit[] _limits;
    private readonly int[][] _limitsByScope;
    private readonly double[] _thresholds;
    private readonly BudgetAlertDispatcher _alerts;
    private readonly TimeProvider _timeProvider;
    private readonly PartitionedRateLimiter<string>? _rateLimiter;
    private readonly int _requestsPerMinute;
    private long _nextSweepTicks;

    /// <summary>Creates a tracker.</summary>
    /// <param name="options">The limits, rate and alert thresholds; read once.</param>
    /// <param name="alerts">Receives budget alerts; none when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock of the budget windows; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">A limit is null, limits nothing, has a non-positive amount, or repeats a scope and window; a threshold is not in (0, 10]; there are more than 20 thresholds; or the request rate or burst is below 1.</exception>
    public InMemoryBudgetTracker(BudgetOptions options, BudgetAlertDispatcher? alerts = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _limits = [.. options.EffectiveLimits];
        ValidateLimits(_limits);
        _limitsByScope = new int[4][];
        for (var scope = 0; scope < _limitsByScope.Length; scope++)
        {
            _limitsByScope[scope] = [.. Enumerable.Range(0, _limits.Length).Where(i => (int)_limits[i].Scope == scope)];
        }

        _thresholds = [.. options.EffectiveAlertThresholds];
        if (_thresholds.Length > MaxThresholds || Array.Exists(_thresholds, t => double.IsNaN(t) || t <= 0 || t > 10))
        {
            throw new ArgumentException("Alert thresholds must be at most 20 fractions above 0 and at most 10.", nameof(options));
        }

        _alerts = alerts ?? BudgetAlertDispatcher.None;
        _timeProvider = timeProvider ?? TimeProvider.System;
        if (options.RequestsPerMinute is int rpm)
        {
            var burst = options.EffectiveRequestBurst ?? rpm;
            if (rpm < 1 || burst < 1)
            {
                throw new ArgumentException("The request rate and burst must be at least 1.", nameof(options));
            }

            _requestsPerMinute = rpm;
            var period = TimeSpan.FromTicks(Math.Max(1, TimeSpan.TicksPerMinute / rpm));
            _rateLimiter = PartitionedRateLimiter.Create<string, string>(user => RateLimitPartition.GetTokenBucketLimiter(user, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = period,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
        }
    }

    /// <summary>Gets the stage name: <c>InMemoryBudget</c>.</summary>
    public string Name => StageName;

    /// <summary>Gets the number of keys currently kept in memory (for diagnostics and tests).</summary>
    internal int KeyCount
    {
        get
        {
            lock (_gate)
            {
                return _keys.Count;
            }
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="ArgumentException">The user key is empty, a token count is negative, or the cost estimate is negative.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The tracker was disposed.</exception>
    public async ValueTask<BudgetReservation> ReserveAsync(BudgetRequest request, CancellationToken cancellationToken)
    {
        ValidateRequest(request);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _timeProvider.GetUtcNow();
        List<BudgetAlert>? alerts = null;
        BudgetReservation reservation;
        lock (_gate)
        {
            SweepIfDue(now);
            reservation = Reserve(request, now, ref alerts);
        }

        if (alerts is not null)
        {
            await _alerts.DispatchAsync(alerts, CancellationToken.None).ConfigureAwait(false);
        }

        return reservation;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="reservation"/> or <paramref name="usage"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="costUsd"/> is negative.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before anything changed.</exception>
    public async ValueTask SettleAsync(BudgetReservation reservation, TokenUsage usage, decimal? costUsd, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentNullException.ThrowIfNull(usage);
        if (costUsd < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(costUsd), costUsd, "The billed cost must not be negative.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var tokens = Math.Max(0L, (long)usage.InputTokens + usage.OutputTokens);
        var cost = costUsd ?? reservation.Request.EstimatedCostUsd ?? 0m;
        var alerts = Complete(reservation, new Amounts(tokens, 1, cost));
        if (alerts is not null)
        {
            await _alerts.DispatchAsync(alerts, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="reservation"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before anything changed.</exception>
    public ValueTask ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        cancellationToken.ThrowIfCancellationRequested();
        Complete(reservation, committed: null);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scope"/> or <paramref name="window"/> is not defined.</exception>
    public ValueTask<BudgetUsage> GetUsageAsync(BudgetScope scope, string key, BudgetWindow window, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (!Enum.IsDefined(scope))
        {
            throw new ArgumentOutOfRangeException(nameof(scope), scope, "Unknown budget scope.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var now = _timeProvider.GetUtcNow();
        var start = BudgetWindows.StartOf(window, now);
        var end = BudgetWindows.EndOf(window, now);
        lock (_gate)
        {
            if (!_keys.TryGetValue((scope, key), out var state))
            {
                return ValueTask.FromResult(new BudgetUsage(scope, key, window, start, end, 0, 0, 0m, 0, 0, 0m));
            }

            var committed = default(Amounts);
            foreach (var index in _limitsByScope[(int)scope])
            {
                if (_limits[index].Window == window)
                {
                    committed = state.Counters[index].Current(start.UtcTicks);
                }
            }

            return ValueTask.FromResult(new BudgetUsage(
                scope, key, window, start, end,
                committed.Tokens, committed.Requests, committed.CostUsd,
                state.Held.Tokens, state.Held.Requests, state.Held.CostUsd));
        }
    }

    /// <summary>Stops the request-rate limiter's replenishment timer. Later reservations throw <see cref="ObjectDisposedException"/> when a rate limit is configured.</summary>
    public void Dispose() => _rateLimiter?.Dispose();

    private static void ValidateRequest(BudgetRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Subject, nameof(request));
        ArgumentException.ThrowIfNullOrEmpty(request.Subject.User, nameof(request));
        if (request.PromptTokens < 0 || request.MaxOutputTokens < 0)
        {
            throw new ArgumentException("Token counts must not be negative.", nameof(request));
        }

        if (request.EstimatedCostUsd < 0)
        {
            throw new ArgumentException("The cost estimate must not be negative.", nameof(request));
        }
    }

    private static void ValidateLimits(BudgetLimit[] limits)
    {
        var seen = new HashSet<(BudgetScope, BudgetWindow)>();
        foreach (var limit in limits)
        {
            if (limit is null)
            {
                throw new ArgumentException("A budget limit is null.", nameof(limits));
            }

            if (!Enum.IsDefined(limit.Scope) || !Enum.IsDefined(limit.Window))
            {
                throw new ArgumentException($"The budget limit {(int)limit.Scope}/{(int)limit.Window} has an unknown scope or window.", nameof(limits));
            }

            if ((limit.Tokens is null && limit.Requests is null && limit.CostUsd is null) || limit.Tokens < 1 || limit.Requests < 1 || limit.CostUsd <= 0)
            {
                throw new ArgumentException($"The budget limit {limit} must limit tokens (≥ 1), requests (≥ 1) or USD (> 0).", nameof(limits));
            }

            if (!seen.Add((limit.Scope, limit.Window)))
            {
                throw new ArgumentException($"The budget limit {limit} is repeated; put its amounts in one limit.", nameof(limits));
            }
        }
    }

    private static decimal Requested(BudgetRequest request, BudgetMetric metric) => metric switch
    {
        BudgetMetric.Tokens => request.MaxTotalTokens,
        BudgetMetric.Requests => 1m,
        _ => request.EstimatedCostUsd ?? 0m,
    };

    private BudgetReservation Reserve(BudgetRequest request, DateTimeOffset now, ref List<BudgetAlert>? alerts)
    {
        // The keys of this call, one per scope with limits; a scope without a key does not apply.
        Span<int> scopes = stackalloc int[4];
        var scopeCount = 0;
        for (var scope = 0; scope < 4; scope++)
        {
            if (_limitsByScope[scope].Length > 0 && request.Subject.KeyOf((BudgetScope)scope) is not null)
            {
                scopes[scopeCount++] = scope;
            }
        }

        // Check every applicable limit; when several deny, report the one that resets last.
        BudgetLimit? denyingLimit = null;
        var denyingMetric = BudgetMetric.Tokens;
        KeyState? denyingState = null;
        var denyingEnd = DateTimeOffset.MinValue;
        foreach (var scope in scopes[..scopeCount])
        {
            var key = request.Subject.KeyOf((BudgetScope)scope)!;
            _keys.TryGetValue(((BudgetScope)scope, key), out var state);
            foreach (var index in _limitsByScope[scope])
            {
                var limit = _limits[index];
                if (limit.CostUsd is not null && request.EstimatedCostUsd is null)
                {
                    return new BudgetReservation(request, BudgetVerdicts.CostUnknown(StageName, limit, request.Model));
                }

                var start = BudgetWindows.StartOf(limit.Window, now).UtcTicks;
                var committed = state?.Counters[index].Current(start) ?? default;
                var held = state?.Held ?? default;
                foreach (var metric in s_metrics)
                {
                    if (limit.AmountOf(metric) is not { } amount)
                    {
                        continue;
                    }

                    var requested = Requested(request, metric);
                    if (committed.Of(metric) + held.Of(metric) + requested <= amount)
                    {
                        continue;
                    }

                    var end = requested > amount ? DateTimeOffset.MaxValue : BudgetWindows.EndOf(limit.Window, now);
                    if (denyingLimit is null || end > denyingEnd)
                    {
                        (denyingLimit, denyingMetric, denyingState, denyingEnd) = (limit, metric, state, end);
                    }
                }
            }
        }

        if (denyingLimit is not null)
        {
            return Deny(request, now, denyingLimit, denyingMetric, denyingState, ref alerts);
        }

        if (_rateLimiter is not null)
        {
            using var lease = _rateLimiter.AttemptAcquire(request.Subject.User);
            if (!lease.IsAcquired)
            {
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero
                    ? wait
                    : TimeSpan.FromTicks(TimeSpan.TicksPerMinute / _requestsPerMinute);
                return new BudgetReservation(request, BudgetVerdicts.RateLimited(StageName, _requestsPerMinute, retryAfter), retryAfter);
            }
        }

        var reservation = new BudgetReservation(request, s_granted);
        var hold = new Amounts(request.MaxTotalTokens, 1, request.EstimatedCostUsd ?? 0m);
        var holders = new KeyState[scopeCount];
        for (var i = 0; i < scopeCount; i++)
        {
            var scope = (BudgetScope)scopes[i];
            var key = (scope, request.Subject.KeyOf(scope)!);
            if (!_keys.TryGetValue(key, out var state))
            {
                state = new KeyState(scope, key.Item2, _limits.Length);
                _keys.Add(key, state);
            }

            state.Held += hold;
            state.Outstanding++;
            holders[i] = state;
        }

        _outstanding.Add(reservation, holders);
        return reservation;
    }

    private BudgetReservation Deny(BudgetRequest request, DateTimeOffset now, BudgetLimit limit, BudgetMetric metric, KeyState? state, ref List<BudgetAlert>? alerts)
    {
        var index = Array.IndexOf(_limits, limit);
        var start = BudgetWindows.StartOf(limit.Window, now);
        var committed = state?.Counters[index].Current(start.UtcTicks) ?? default;
        var held = state?.Held ?? default;
        var verdict = BudgetVerdicts.Exceeded(StageName, limit, metric, committed.Of(metric), held.Of(metric), Requested(request, metric), now, out var retryAfter);

        // An exhausted budget is what the 100 % alert is for, even when committed usage stops
        // short of the limit; a call larger than the whole limit exhausts nothing.
        if (retryAfter is not null && state is not null)
        {
            ref var counter = ref state.Counters[index];
            counter.Roll(start.UtcTicks);
            var amount = limit.AmountOf(metric)!.Value;
            for (var t = 0; t < _thresholds.Length; t++)
            {
                if (_thresholds[t] >= 1.0 && counter.TryFire(metric, t))
                {
                    (alerts ??= []).Add(Alert(state, limit, metric, _thresholds[t], amount, committed.Of(metric), denied: true, start));
                }
            }
        }

        return new BudgetReservation(request, verdict, retryAfter);
    }

    private List<BudgetAlert>? Complete(BudgetReservation reservation, Amounts? committed)
    {
        if (!reservation.IsGranted)
        {
            throw new InvalidOperationException("A denied budget reservation cannot be settled or released.");
        }

        var now = _timeProvider.GetUtcNow();
        List<BudgetAlert>? alerts = null;
        lock (_gate)
        {
            // Only reservations this tracker granted and has not completed are outstanding: a
            // foreign or repeated one fails instead of corrupting the holds.
            if (!_outstanding.Remove(reservation, out var holders) || !reservation.TryComplete())
            {
                throw new InvalidOperationException("The budget reservation was already settled or released, or was not issued by this tracker.");
            }

            var hold = new Amounts(reservation.Request.MaxTotalTokens, 1, reservation.Request.EstimatedCostUsd ?? 0m);
            foreach (var state in holders)
            {
                state.Held -= hold;
                state.Outstanding--;
                if (committed is { } amounts)
                {
                    Commit(state, amounts, now, ref alerts);
                }
            }
        }

        return alerts;
    }

    private void Commit(KeyState state, Amounts amounts, DateTimeOffset now, ref List<BudgetAlert>? alerts)
    {
        foreach (var index in _limitsByScope[(int)state.Scope])
        {
            var limit = _limits[index];
            var start = BudgetWindows.StartOf(limit.Window, now);
            ref var counter = ref state.Counters[index];
            counter.Roll(start.UtcTicks);
            counter.Committed += amounts;
            foreach (var metric in s_metrics)
            {
                if (limit.AmountOf(metric) is not { } amount)
                {
                    continue;
                }

                var used = counter.Committed.Of(metric);
                for (var t = 0; t < _thresholds.Length; t++)
                {
                    if (used >= (decimal)_thresholds[t] * amount && counter.TryFire(metric, t))
                    {
                        (alerts ??= []).Add(Alert(state, limit, metric, _thresholds[t], amount, used, denied: false, start));
                    }
                }
            }
        }
    }

    private static BudgetAlert Alert(KeyState state, BudgetLimit limit, BudgetMetric metric, double threshold, decimal amount, decimal used, bool denied, DateTimeOffset start) =>
        new(StageName, state.Scope, state.Key, limit.Window, metric, threshold, amount, used, denied, start, BudgetWindows.EndOf(limit.Window, start));

    private void SweepIfDue(DateTimeOffset now)
    {
        if (now.UtcTicks < _nextSweepTicks)
        {
            return;
        }

        _nextSweepTicks = now.UtcTicks + TimeSpan.TicksPerMinute;
        List<(BudgetScope, string)>? idle = null;
        foreach (var (key, state) in _keys)
        {
            if (state.Outstanding == 0 && IsOver(state, now))
            {
                (idle ??= []).Add(key);
            }
        }

        if (idle is not null)
        {
            foreach (var key in idle)
            {
                _keys.Remove(key);
            }
        }
    }

    /// <summary>Whether every window the key counted in is over, so a new key would behave the same.</summary>
    private bool IsOver(KeyState state, DateTimeOffset now)
    {
        foreach (var index in _limitsByScope[(int)state.Scope])
        {
            if (state.Counters[index].StartTicks == BudgetWindows.StartOf(_limits[index].Window, now).UtcTicks)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Tokens, requests and USD, added and subtracted together.</summary>
    private readonly record struct Amounts(long Tokens, long Requests, decimal CostUsd)
    {
        public static Amounts operator +(Amounts left, Amounts right) =>
            new(left.Tokens + right.Tokens, left.Requests + right.Requests, left.CostUsd + right.CostUsd);

        public static Amounts operator -(Amounts left, Amounts right) =>
            new(left.Tokens - right.Tokens, left.Requests - right.Requests, left.CostUsd - right.CostUsd);

        public decimal Of(BudgetMetric metric) => metric switch
        {
            BudgetMetric.Tokens => Tokens,
            BudgetMetric.Requests => Requests,
            _ => CostUsd,
        };
    }

    /// <summary>What one key committed in one limit's current window, and which alerts fired in it. Every access holds the tracker's lock.</summary>
    private struct WindowCounter
    {
        public long StartTicks;
        public Amounts Committed;
        private ulong _fired;

        /// <summary>The committed usage of the window starting at <paramref name="start"/> (zero when the counter holds an older window).</summary>
        public readonly Amounts Current(long start) => StartTicks == start ? Committed : default;

        /// <summary>Moves the counter to the window starting at <paramref name="start"/>, resetting usage and alerts when it changes.</summary>
        public void Roll(long start)
        {
            if (StartTicks != start)
            {
                StartTicks = start;
                Committed = default;
                _fired = 0;
            }
        }

        /// <summary>Marks an alert fired in this window; true only the first time.</summary>
        public bool TryFire(BudgetMetric metric, int threshold)
        {
            var bit = 1UL << (((int)metric * MaxThresholds) + threshold);
            if ((_fired & bit) != 0)
            {
                return false;
            }

            _fired |= bit;
            return true;
        }
    }

    /// <summary>One key of one scope: its holds and a counter per limit of its scope. Every access holds the tracker's lock.</summary>
    private sealed class KeyState(BudgetScope scope, string key, int limitCount)
    {
        public BudgetScope Scope { get; } = scope;

        public string Key { get; } = key;

        public WindowCounter[] Counters { get; } = new WindowCounter[limitCount];

        public Amounts Held { get; set; }

        public int Outstanding { get; set; }
    }
}
