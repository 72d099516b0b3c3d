using System.Collections.Concurrent;
using System.Globalization;

namespace SafeOpenAI;

/// <summary>
/// Keeps per-user request rates and token budgets in process memory
/// (<see cref="BudgetOptions"/>), with the atomic reserve → settle / release protocol of
/// <see cref="IBudgetTracker"/>. Suitable for a single instance; a farm of servers needs a shared
/// store instead.
/// </summary>
/// <remarks>
/// <para>
/// Subjects are user keys values. All state of one subject changes
/// under that subject's lock, so a reservation's checks and its hold are one atomic step: under
/// any concurrency the tokens held and committed never exceed the limit because of a race.
/// </para>
/// <para>
/// <b>Requests per minute</b>: a token bucket of <see cref="BudgetOptions.RequestsPerMinute"/>
/// permits that refills steadily, one permit every 60 s ÷ limit (so 60 per minute refills one a
/// second), kept as a single "theoretical arrival time" (the generic cell rate algorithm, which is
/// exactly such a bucket). It is not built on <c>System.Threading.RateLimiting</c>: in that
/// package (10.0) <c>TokenBucketRateLimiter.TryReplenish</c> adds permits in proportion to real
/// elapsed time (<c>Stopwatch</c>) even with <c>AutoReplenishment = false</c>, so it cannot follow a
/// <see cref="TimeProvider"/>; this tracker reads every time from the <see cref="TimeProvider"/>.
/// A denial blocks with code <c>rate_limit.exceeded:user-requests-per-minute</c>, a
/// <see cref="BudgetReservation.RetryAfter"/> until the next permit, and evidence
/// <c>limit_requests_per_minute</c> and <c>retry_after_seconds</c> (whole seconds, rounded up).
/// </para>
/// <para>
/// <b>Tokens per window</b>: windows of one hour aligned to
/// the Unix epoch (start = ⌊now ÷ window⌋ × window). A reservation holds
/// <see cref="BudgetRequest.MaxTotalTokens"/> and is granted only when tokens committed in the
/// current window + tokens held by outstanding reservations + the request ≤ the limit. Holds are
/// in-flight spending whose bill will land in the window current at settle time, so they count
/// against every window they are outstanding in, including windows that begin after the
/// reservation was made; at roll-over only the committed count resets. Settling removes the hold
/// and commits <see cref="TokenUsage.TotalTokens"/> to the window current at settle time (usage
/// above the hold is committed too, so an underestimated prompt shows in the next checks);
/// releasing removes the hold only. A denial blocks with code
/// <c>budget.exceeded:user-window-tokens</c>, a <see cref="BudgetReservation.RetryAfter"/> until
/// the window resets, and evidence <c>limit_tokens</c>, <c>used_tokens</c>,
/// <c>reserved_tokens</c>, <c>requested_tokens</c>, <c>window_seconds</c> and <c>resets_at</c>
/// (ISO 8601 UTC). A request larger than the whole limit is denied with
/// <c>reason=request_exceeds_limit</c> and no <see cref="BudgetReservation.RetryAfter"/>, since
/// waiting cannot help. The token limit is checked before the request rate, so a call denied for
/// tokens does not use up a request permit.
/// </para>
/// <para>
/// Memory: a subject is dropped once it is indistinguishable from a new one (no outstanding
/// reservation, its window is over, and its request bucket is full again); the sweep runs on
/// reservation at most once a minute of <see cref="TimeProvider"/> time. Every call is O(1) apart
/// from that amortised sweep. Cost in USD is not tracked (<c>costUsd</c> is ignored).
/// </para>
/// <para>Thread-safe. The options are read once, in the constructor.</para>
/// </remarks>
public sealed class InMemoryBudgetTracker : IBudgetTracker
{
    /// <summary>The code of a request-rate denial: <c>rate_limit.exceeded:user-requests-per-minute</c>.</summary>
    public const string RateLimitCode = "rate_limit.exceeded:user-requests-per-minute";

    /// <summary>The code of a token-budget denial: <c>budget.exceeded:user-window-tokens</c>.</summary>
    public const string TokenBudgetCode = "budget.exceeded:user-window-tokens";

    private const string StageName = "InMemoryBudget";
    private static readonly long s_sweepIntervalTicks = TimeSpan.TicksPerMinute;
    private static readonly SafetyVerdict s_granted = SafetyVerdict.Allow(StageName);

    private readonly ConcurrentDictionary<string, Subject> _subjects = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly long? _tokensPerWindow;
    private readonly long _windowTicks;
    private readonly int? _requestsPerMinute;
    private readonly long _emissionIntervalTicks;
    private readonly long _burstToleranceTicks;
    private long _nextSweepTicks;

    /// <summary>Creates a tracker.</summary>
    /// <param name="options">The limits; read once.</param>
    /// <param name="alerts">Receives budget alerts; none when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The window is not positive, the token limit is negative, or the request limit is not positive.</exception>
    public InMemoryBudgetTracker(BudgetOptions options, BudgetAlertDispatcher? alerts = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);

        if (options.RequestsPerMinute <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RequestsPerMinute, "The request limit must be positive.");
        }

        _timeProvider = timeProvider ?? TimeProvider.System;
        _ = alerts;
        _tokensPerWindow = options.EffectiveLimits[0].Tokens;
        _windowTicks = TimeSpan.TicksPerHour;
        _requestsPerMinute = options.RequestsPerMinute;
        if (_requestsPerMinute is int rpm)
        {
            // One permit per interval; the bucket holds rpm permits, i.e. rpm - 1 intervals of tolerance.
            _emissionIntervalTicks = Math.Max(1, TimeSpan.TicksPerMinute / rpm);
            _burstToleranceTicks = _emissionIntervalTicks * (rpm - 1L);
        }
    }

    /// <summary>Gets the stage name: <c>InMemoryBudget</c>.</summary>
    public string Name => StageName;

    /// <summary>Gets the number of subjects currently kept in memory (for diagnostics and tests).</summary>
    internal int SubjectCount => _subjects.Count;

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="ArgumentException">The subject key is empty, or a token count is negative.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<BudgetReservation> ReserveAsync(BudgetRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Subject.User, nameof(request));
        if (request.PromptTokens < 0 || request.MaxOutputTokens < 0)
        {
            throw new ArgumentException("Token counts must not be negative.", nameof(request));
        }

        cancellationToken.ThrowIfCancellationRequested();

        var now = _timeProvider.GetUtcNow().UtcTicks;
        SweepIfDue(now);

        while (true)
        {
            var subject = _subjects.GetOrAdd(request.Subject.User, static _ => new Subject());
            lock (subject)
            {
                if (subject.Evicted)
                {
                    continue; // Removed by a sweep between lookup and lock: take the fresh one.
                }

                return new ValueTask<BudgetReservation>(Reserve(subject, request, now));
            }
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="reservation"/> or <paramref name="usage"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask SettleAsync(BudgetReservation reservation, TokenUsage usage, decimal? costUsd, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentNullException.ThrowIfNull(usage);
        cancellationToken.ThrowIfCancellationRequested();
        Complete(reservation, Math.Max(0L, (long)usage.InputTokens + usage.OutputTokens));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="reservation"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        cancellationToken.ThrowIfCancellationRequested();
        Complete(reservation, committedTokens: null);
        return ValueTask.CompletedTask;
    }

    private static string Seconds(TimeSpan span) =>
        ((long)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static long FloorDiv(long value, long divisor)
    {
        var quotient = Math.DivRem(value, divisor, out var remainder);
        return remainder < 0 ? quotient - 1 : quotient;
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    private BudgetReservation Reserve(Subject subject, BudgetRequest request, long now)
    {
        RollWindow(subject, now);
        long requested = request.MaxTotalTokens;

        if (_tokensPerWindow is long limit && (requested > limit || subject.CommittedTokens + subject.HeldTokens + requested > limit))
        {
            return DenyTokens(subject, request, limit, requested, now);
        }

        if (_requestsPerMinute is int rpm)
        {
            var arrival = Math.Max(subject.RateArrivalTicks, now);
            if (arrival - now > _burstToleranceTicks)
            {
                return DenyRate(request, rpm, TimeSpan.FromTicks(arrival - _burstToleranceTicks - now));
            }

            subject.RateArrivalTicks = arrival + _emissionIntervalTicks;
        }

        var reservation = new BudgetReservation(request, s_granted);
        subject.HeldTokens += HoldOf(request);
        (subject.Outstanding ??= new HashSet<BudgetReservation>(ReferenceEqualityComparer.Instance)).Add(reservation);
        return reservation;
    }

    private BudgetReservation DenyTokens(Subject subject, BudgetRequest request, long limit, long requested, long now)
    {
        var resetsAt = new DateTimeOffset((subject.WindowIndex + 1) * _windowTicks + DateTime.UnixEpoch.Ticks, TimeSpan.Zero);
        var tooLarge = requested > limit;
        var evidence = new Dictionary<string, string>(8, StringComparer.Ordinal)
        {
            ["limit_tokens"] = Invariant(limit),
            ["used_tokens"] = Invariant(subject.CommittedTokens),
            ["reserved_tokens"] = Invariant(subject.HeldTokens),
            ["requested_tokens"] = Invariant(requested),
            ["window_seconds"] = Invariant((long)Math.Ceiling(TimeSpan.FromTicks(_windowTicks).TotalSeconds)),
            ["resets_at"] = resetsAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };

        if (tooLarge)
        {
            evidence["reason"] = "request_exceeds_limit";
            return new BudgetReservation(
                request,
                SafetyVerdict.Block(StageName, TokenBudgetCode, "This request needs more tokens than your allowance permits.", evidence));
        }

        var message = string.Format(CultureInfo.InvariantCulture, "You have used your token allowance; it resets at {0:u}.", resetsAt.UtcDateTime);
        return new BudgetReservation(request, SafetyVerdict.Block(StageName, TokenBudgetCode, message, evidence), TimeSpan.FromTicks(resetsAt.UtcTicks - now));
    }

    private static BudgetReservation DenyRate(BudgetRequest request, int rpm, TimeSpan retryAfter)
    {
        var evidence = new Dictionary<string, string>(2, StringComparer.Ordinal)
        {
            ["limit_requests_per_minute"] = rpm.ToString(CultureInfo.InvariantCulture),
            ["retry_after_seconds"] = Seconds(retryAfter),
        };
        var verdict = SafetyVerdict.Block(StageName, RateLimitCode, "You are sending requests too quickly; please wait a moment.", evidence);
        return new BudgetReservation(request, verdict, retryAfter);
    }

    private void Complete(BudgetReservation reservation, long? committedTokens)
    {
        if (!reservation.IsGranted)
        {
            throw new InvalidOperationException("A denied budget reservation cannot be settled or released.");
        }

        if (!_subjects.TryGetValue(reservation.Request.Subject.User, out var subject))
        {
            throw NotOutstanding();
        }

        var now = _timeProvider.GetUtcNow().UtcTicks;
        lock (subject)
        {
            // Only reservations this tracker issued and has not completed are outstanding; the
            // set makes a foreign or repeated reservation fail instead of corrupting the holds.
            if (subject.Evicted || subject.Outstanding?.Remove(reservation) != true || !reservation.TryComplete())
            {
                throw NotOutstanding();
            }

            subject.HeldTokens -= HoldOf(reservation.Request);
            if (committedTokens is long tokens)
            {
                RollWindow(subject, now);
                subject.CommittedTokens += tokens;
            }
        }

        static InvalidOperationException NotOutstanding() =>
            new("The budget reservation was already settled or released, or was not issued by this tracker.");
    }

    private long HoldOf(BudgetRequest request) => _tokensPerWindow is null ? 0 : request.MaxTotalTokens;

    private void RollWindow(Subject subject, long nowTicks)
    {
        var index = FloorDiv(nowTicks - DateTime.UnixEpoch.Ticks, _windowTicks);
        if (index != subject.WindowIndex)
        {
            // Committed usage belongs to its window; holds are in flight and carry over.
            subject.WindowIndex = index;
            subject.CommittedTokens = 0;
        }
    }

    private void SweepIfDue(long now)
    {
        var due = Volatile.Read(ref _nextSweepTicks);
        if (now < due || Interlocked.CompareExchange(ref _nextSweepTicks, now + s_sweepIntervalTicks, due) != due)
        {
            return;
        }

        var currentWindow = FloorDiv(now - DateTime.UnixEpoch.Ticks, _windowTicks);
        foreach (var (key, subject) in _subjects)
        {
            if (!Monitor.TryEnter(subject))
            {
                continue; // Busy, so not idle.
            }

            try
            {
                // Idle means a fresh subject would behave identically: nothing outstanding, the
                // committed window is over (or empty), and the request bucket is full again.
                var idle = !subject.Evicted
                    && (subject.Outstanding is null || subject.Outstanding.Count == 0)
                    && subject.HeldTokens == 0
                    && (subject.CommittedTokens == 0 || subject.WindowIndex < currentWindow)
                    && subject.RateArrivalTicks <= now;
                if (!idle)
                {
                    continue;
                }

                subject.Evicted = true;
                _subjects.TryRemove(new KeyValuePair<string, Subject>(key, subject));
            }
            finally
            {
                Monitor.Exit(subject);
            }
        }
    }

    /// <summary>The mutable state of one subject; every access holds its lock.</summary>
    private sealed class Subject
    {
        /// <summary>Gets or sets the epoch-aligned index of the window <see cref="CommittedTokens"/> belongs to.</summary>
        public long WindowIndex { get; set; } = long.MinValue;

        /// <summary>Gets or sets the tokens settled in the window <see cref="WindowIndex"/>.</summary>
        public long CommittedTokens { get; set; }

        /// <summary>Gets or sets the tokens held by outstanding reservations, whatever window they were made in.</summary>
        public long HeldTokens { get; set; }

        /// <summary>Gets or sets the reservations granted and not yet settled or released.</summary>
        public HashSet<BudgetReservation>? Outstanding { get; set; }

        /// <summary>Gets or sets the GCRA theoretical arrival time of the next request, in UTC ticks.</summary>
        public long RateArrivalTicks { get; set; }

        /// <summary>Gets or sets a value indicating whether a sweep removed this state from the map.</summary>
        public bool Evicted { get; set; }
    }
}
