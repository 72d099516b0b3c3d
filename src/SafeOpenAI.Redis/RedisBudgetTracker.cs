using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace SafeOpenAI.Redis;

/// <summary>
/// An <see cref="IBudgetTracker"/> whose budgets, holds and per-user request rates live in Redis,
/// so that any number of application instances share them exactly. Each reservation and each
/// settlement is one round trip: a Lua script that checks and updates every window of every scope
/// atomically on the Redis clock (<c>TIME</c>), so instances with skewed clocks agree.
/// </summary>
/// <remarks>
/// <para>
/// Semantics are those of <see cref="IBudgetTracker"/> (docs/redis-budgets.md): a reservation is
/// granted when, for every applicable limit and limited metric, committed usage of the current
/// window + holds of outstanding reservations of the key + the request stay within the limit;
/// then the user's request-rate permit is taken (a GCRA token bucket of
/// <see cref="BudgetOptions.RequestsPerMinute"/> refill and <see cref="BudgetOptions.EffectiveRequestBurst"/>
/// capacity); then holds are added and a lease recorded. Windows are fixed UTC windows computed in the
/// script from <c>TIME</c> with the boundaries of <see cref="BudgetWindows"/> (calendar months included).
/// USD amounts are kept as whole nano-USD (10⁻⁹ USD, rounded up), exact up to about 9 million USD per window.
/// </para>
/// <para>
/// A reservation that is never settled (the process crashed) is given back after
/// <see cref="RedisBudgetOptions.ReservationTimeout"/>: later reservations and usage reads reap up to 50 expired leases
/// each. Reserving, settling and releasing are idempotent by reservation id, so a command Redis
/// receives twice counts once. A reserve whose reply was lost (it may still have run) is followed by
/// a queued release of its id, which gives its holds back as soon as Redis answers again.
/// </para>
/// <para>
/// Failures: when Redis is unreachable or too slow, a reservation is denied with
/// <c>budget.unavailable</c> (<see cref="RedisFailureMode.FailClosed"/>, logged as an error) or
/// decided by a local <see cref="InMemoryBudgetTracker"/> and marked <c>budget.degraded</c>
/// (<see cref="RedisFailureMode.FailOpen"/>, logged as a warning). A settlement or release that
/// cannot reach Redis never throws into the call: it is queued in memory (up to
/// <see cref="RedisBudgetOptions.MaxPendingCompletions"/>) and replayed when the connection is back
/// (logged as a warning). The connection reconnects by itself; scripts are reloaded after a Redis
/// restart wiped the script cache. Keys contain only the subject keys (hashed user and session ids,
/// tenant ids); neither they nor the connection string are logged.
/// </para>
/// <para>
/// Cancellation is checked before each round trip; a round trip in flight is bounded by
/// <see cref="RedisBudgetOptions.OperationTimeout"/> instead, so that a reservation is never granted
/// in Redis without the caller learning of it.
/// </para>
/// <para>Thread-safe. Dispose it to close a connection it created (a connection passed in is left open).</para>
/// </remarks>
public sealed partial class RedisBudgetTracker : IBudgetTracker, IBudgetUsageReader, IAsyncDisposable, IDisposable
{
    private const string StageName = "RedisBudget";
    private const decimal NanoPerUsd = 1_000_000_000m;
    private const int LimitStride = 6; // scope, key, window, then the tokens, requests and nano-USD amounts
    private static readonly SafetyVerdict s_granted = SafetyVerdict.Allow(StageName);

    private readonly IConnectionMultiplexer _connection;
    private readonly bool _ownsConnection;
    private readonly BudgetLimit[] _limits;
    private readonly double[] _thresholds;
    private readonly RedisValue[] _thresholdArgs;
    private readonly RedisValue[][] _limitArgs;
    private readonly RedisValue[][] _thresholdAmounts;
    private readonly long _leaseMilliseconds;
    private readonly long _doneMilliseconds;
    private readonly long _emissionMicroseconds;
    private readonly long _toleranceMicroseconds;
    private readonly int _requestsPerMinute;
    private static readonly RedisScript s_reserve = new(RedisBudgetScripts.Reserve);
    private static readonly RedisScript s_complete = new(RedisBudgetScripts.Complete);
    private static readonly RedisScript s_usage = new(RedisBudgetScripts.Usage);
    private readonly RedisValue _prefix;
    private readonly RedisKey _routingKey;
    private readonly RedisFailureMode _failureMode;
    private readonly int _maxPending;
    private readonly InMemoryBudgetTracker? _fallback;
    private readonly ConcurrentDictionary<BudgetReservation, BudgetReservation> _fallbackReservations = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentQueue<RedisValue[]> _pending = new();
    private readonly BudgetAlertDispatcher _alerts;
    private readonly ILogger _logger;
    private int _pendingCount;
    private int _draining;
    private int _disposed;

    /// <summary>Creates a tracker that opens its own connection from <see cref="RedisBudgetOptions.Configuration"/>.</summary>
    /// <param name="options">The Redis options; <see cref="RedisBudgetOptions.Configuration"/> is required.</param>
    /// <param name="budget">The limits, alert thresholds and request rate; read once.</param>
    /// <param name="alerts">Receives budget alerts; none when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Creates the <c>SafeOpenAI.Redis</c> logger; none when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock of the in-memory fallback (the shared budgets use the Redis clock); <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="budget"/> is null.</exception>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="RedisBudgetOptions"/>).</exception>
    public RedisBudgetTracker(RedisBudgetOptions options, BudgetOptions budget, BudgetAlertDispatcher? alerts, ILoggerFactory? loggerFactory, TimeProvider? timeProvider)
        : this(options, budget, alerts, loggerFactory, timeProvider, null)
    {
    }

    /// <summary>Creates a tracker over an existing connection, which it does not dispose.</summary>
    /// <param name="connection">The connection; StackExchange.Redis multiplexes all calls over it.</param>
    /// <param name="options">The Redis options; <see cref="RedisBudgetOptions.Configuration"/> and <see cref="RedisBudgetOptions.OperationTimeout"/> are not used.</param>
    /// <param name="budget">The limits, alert thresholds and request rate; read once.</param>
    /// <param name="alerts">Receives budget alerts; none when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Creates the <c>SafeOpenAI.Redis</c> logger; none when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock of the in-memory fallback; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="connection"/>, <paramref name="options"/> or <paramref name="budget"/> is null.</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public RedisBudgetTracker(IConnectionMultiplexer connection, RedisBudgetOptions options, BudgetOptions budget, BudgetAlertDispatcher? alerts, ILoggerFactory? loggerFactory, TimeProvider? timeProvider)
        : this(options, budget, alerts, loggerFactory, timeProvider, connection ?? throw new ArgumentNullException(nameof(connection)))
    {
    }

    private RedisBudgetTracker(RedisBudgetOptions options, BudgetOptions budget, BudgetAlertDispatcher? alerts, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, IConnectionMultiplexer? connection)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(budget);
        var validation = new RedisBudgetOptionsValidator(RedisBudgetOptions.SectionName, connection is not null).Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(options));
        }

        if (budget.RequestsPerMinute <= 0 || budget.EffectiveRequestBurst <= 0)
        {
            throw new ArgumentException("SafeOpenAI:Budget:RequestsPerMinute and RequestBurst must be positive.", nameof(budget));
        }

        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("SafeOpenAI.Redis");
        _alerts = alerts ?? BudgetAlertDispatcher.None;
        _prefix = options.KeyPrefix;
        _routingKey = options.KeyPrefix + ":leases";
        _failureMode = options.FailureMode;
        _maxPending = options.MaxPendingCompletions;
        _leaseMilliseconds = (long)options.ReservationTimeout.TotalMilliseconds;
        _doneMilliseconds = _leaseMilliseconds + (long)TimeSpan.FromHours(1).TotalMilliseconds;

        _limits = [.. budget.EffectiveLimits];
        _thresholds = [.. budget.EffectiveAlertThresholds];
        _thresholdArgs = new RedisValue[_thresholds.Length + 1];
        _thresholdArgs[0] = _thresholds.Length;
        for (var k = 0; k < _thresholds.Length; k++)
        {
            _thresholdArgs[k + 1] = _thresholds[k].ToString("R", CultureInfo.InvariantCulture);
        }

        _limitArgs = new RedisValue[_limits.Length][];
        _thresholdAmounts = new RedisValue[_limits.Length][];
        for (var l = 0; l < _limits.Length; l++)
        {
            var limit = _limits[l];
            var args = new RedisValue[LimitStride];
            args[0] = BudgetCodes.Name(limit.Scope);
            args[2] = (int)limit.Window;
            var thresholds = new List<RedisValue>(3 * _thresholds.Length);
            for (var m = 0; m < 3; m++)
            {
                var amount = ToStored((BudgetMetric)m, limit.AmountOf((BudgetMetric)m));
                args[3 + m] = amount;
                foreach (var threshold in _thresholds)
                {
                    // committed ≥ threshold × limit ⇔ committed ≥ ⌈threshold × limit⌉ for whole numbers: exact in decimal.
                    thresholds.Add(amount < 0 ? -1 : (long)Math.Ceiling((decimal)threshold * amount));
                }
            }

            _limitArgs[l] = args;
            _thresholdAmounts[l] = [.. thresholds];
        }

        if (budget.RequestsPerMinute is int rpm)
        {
            _requestsPerMinute = rpm;
            _emissionMicroseconds = Math.Max(1, 60_000_000L / rpm);
            _toleranceMicroseconds = _emissionMicroseconds * (budget.EffectiveRequestBurst!.Value - 1L);
        }

        if (_failureMode == RedisFailureMode.FailOpen)
        {
            _fallback = new InMemoryBudgetTracker(budget, alerts, timeProvider);
        }

        if (connection is null)
        {
            _connection = ConnectionMultiplexer.Connect(CreateConfiguration(options));
            _ownsConnection = true;
        }
        else
        {
            _connection = connection;
        }

        _connection.ConnectionRestored += OnConnectionRestored;
    }

    /// <summary>Gets the stage name used in verdicts: <c>RedisBudget</c>.</summary>
    public string Name => StageName;

    /// <summary>Gets the connection the tracker uses.</summary>
    internal IConnectionMultiplexer Connection => _connection;

    /// <summary>Gets the number of settlements and releases waiting to be replayed to Redis.</summary>
    internal int PendingCompletions => Volatile.Read(ref _pendingCount);

    /// <summary>
    /// Gets or sets, for tests only, the time the scripts use instead of Redis <c>TIME</c>, to check
    /// window boundaries at crafted instants. <see langword="null"/> (always in production) uses <c>TIME</c>.
    /// </summary>
    internal DateTimeOffset? TimeOverride { get; set; }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="ArgumentException">The user key is empty, or a token count or the estimated cost is negative.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the round trip.</exception>
    public async ValueTask<BudgetReservation> ReserveAsync(BudgetRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Subject, nameof(request));
        ArgumentException.ThrowIfNullOrEmpty(request.Subject.User, nameof(request));
        if (request.PromptTokens < 0 || request.MaxOutputTokens < 0 || request.EstimatedCostUsd < 0)
        {
            throw new ArgumentException("Token counts and the estimated cost must not be negative.", nameof(request));
        }

        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        var applicable = Applicable(request.Subject);
        if (request.EstimatedCostUsd is null)
        {
            foreach (var l in applicable)
            {
                if (_limits[l].CostUsd is not null)
                {
                    return new BudgetReservation(request, BudgetVerdicts.CostUnknown(StageName, _limits[l], request.Model));
                }
            }
        }

        var reservation = new BudgetReservation(request, s_granted);
        var args = new List<RedisValue>(16 + (applicable.Count * _limitArgs.Length))
        {
            _prefix,
            TimeArgument(),
            reservation.Id,
            _leaseMilliseconds,
            _emissionMicroseconds,
            _toleranceMicroseconds,
            request.Subject.User,
            request.MaxTotalTokens,
            ToStored(BudgetMetric.CostUsd, request.EstimatedCostUsd ?? 0m),
        };
        AddLimits(args, applicable, request.Subject, withThresholds: false);

        RedisResult[] result;
        try
        {
            result = (RedisResult[])(await s_reserve.EvaluateAsync(_connection.GetDatabase(), _routingKey, [.. args]).ConfigureAwait(false))!;
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            // The reserve may still run in Redis after its reply was lost (a timeout, a dropped
            // connection). A release of its id is queued like any completion: replayed after it,
            // the release gives the holds back at once instead of after ReservationTimeout; replayed
            // before it, the release's completion marker makes the late reserve add nothing.
            Enqueue([_prefix, RedisValue.EmptyString, reservation.Id, _doneMilliseconds, "r", 0, 0, 0, 0], ex);
            return await FailAsync(request, ex, cancellationToken).ConfigureAwait(false);
        }

        DrainInBackgroundIfNeeded();
        var now = DateTimeOffset.FromUnixTimeMilliseconds((long)result[1]);
        switch ((int)result[0])
        {
            case 1:
                return reservation;
            case 2:
            {
                var limit = _limits[applicable[(int)result[2] - 1]];
                var metric = (BudgetMetric)((int)result[3] - 1);
                var verdict = BudgetVerdicts.Exceeded(
                    StageName, limit, metric, FromStored(metric, (long)result[4]), FromStored(metric, (long)result[5]), FromStored(metric, (long)result[6]), now, out var retryAfter);
                if (result.Length > 8)
                {
                    var key = request.Subject.KeyOf(limit.Scope)!;
                    var fired = new List<BudgetAlert>(result.Length - 8);
                    for (var i = 8; i < result.Length; i++)
                    {
                        fired.Add(new BudgetAlert(
                            StageName, limit.Scope, key, limit.Window, metric, _thresholds[(int)result[i] - 1], limit.AmountOf(metric) ?? 0m,
                            FromStored(metric, (long)result[4]), Denied: true, BudgetWindows.StartOf(limit.Window, now), BudgetWindows.EndOf(limit.Window, now)));
                    }

                    await _alerts.DispatchAsync(fired, CancellationToken.None).ConfigureAwait(false);
                }

                return new BudgetReservation(request, verdict, retryAfter);
            }

            default:
            {
                var retryAfter = TimeSpan.FromTicks(Math.Max(1, (long)result[2] * 10));
                return new BudgetReservation(request, BudgetVerdicts.RateLimited(StageName, _requestsPerMinute, retryAfter), retryAfter);
            }
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="reservation"/> or <paramref name="usage"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before anything was done.</exception>
    /// <remarks>When Redis cannot be reached the settlement is queued and replayed later; this method does not throw for that.</remarks>
    public async ValueTask SettleAsync(BudgetReservation reservation, TokenUsage usage, decimal? costUsd, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentNullException.ThrowIfNull(usage);
        cancellationToken.ThrowIfCancellationRequested();
        Complete(reservation);
        if (_fallbackReservations.TryRemove(reservation, out var local))
        {
            await _fallback!.SettleAsync(local, usage, costUsd, cancellationToken).ConfigureAwait(false);
            return;
        }

        var request = reservation.Request;
        var applicable = Applicable(request.Subject);
        var args = new List<RedisValue>(16 + (applicable.Count * _limitArgs.Length))
        {
            _prefix,
            RedisValue.EmptyString,
            reservation.Id,
            _doneMilliseconds,
            "s",
            Math.Max(0, usage.TotalTokens),
            ToStored(BudgetMetric.CostUsd, Math.Max(0m, costUsd ?? request.EstimatedCostUsd ?? 0m)),
        };
        AddLimits(args, applicable, request.Subject, withThresholds: true);
        var completion = args.ToArray();
        await CompleteInRedisAsync(completion, applicable, request.Subject, queueOnFailure: true).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="reservation"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before anything was done.</exception>
    /// <remarks>When Redis cannot be reached the release is queued and replayed later; this method does not throw for that.</remarks>
    public async ValueTask ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        cancellationToken.ThrowIfCancellationRequested();
        Complete(reservation);
        if (_fallbackReservations.TryRemove(reservation, out var local))
        {
            await _fallback!.ReleaseAsync(local, cancellationToken).ConfigureAwait(false);
            return;
        }

        RedisValue[] completion = [_prefix, RedisValue.EmptyString, reservation.Id, _doneMilliseconds, "r", 0, 0, 0, 0];
        await CompleteInRedisAsync(completion, [], reservation.Request.Subject, queueOnFailure: true).ConfigureAwait(false);
    }

    /// <summary>Reads the usage of one scope key in the window current on the Redis clock, and the key's holds.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="key">The key in that scope (<see cref="BudgetSubject.KeyOf"/>).</param>
    /// <param name="window">The window.</param>
    /// <param name="cancellationToken">Cancels the read before the round trip.</param>
    /// <returns>Committed usage and holds; zeros for a key never seen.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is null or empty.</exception>
    /// <exception cref="RedisException">Redis could not be reached (or a <see cref="TimeoutException"/> when it did not answer in time); no fallback is read.</exception>
    public async ValueTask<BudgetUsage> GetUsageAsync(BudgetScope scope, string key, BudgetWindow window, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        cancellationToken.ThrowIfCancellationRequested();
        var result = (RedisResult[])(await s_usage.EvaluateAsync(
            _connection.GetDatabase(), _routingKey, [_prefix, TimeArgument(), BudgetCodes.Name(scope), key, (int)window]).ConfigureAwait(false))!;
        return new BudgetUsage(
            scope,
            key,
            window,
            DateTimeOffset.FromUnixTimeSeconds((long)result[1]),
            DateTimeOffset.FromUnixTimeSeconds((long)result[2]),
            (long)result[3],
            (long)result[4],
            FromStored(BudgetMetric.CostUsd, (long)result[5]),
            (long)result[6],
            (long)result[7],
            FromStored(BudgetMetric.CostUsd, (long)result[8]));
    }

    /// <summary>
    /// Replays the settlements and releases queued while Redis was unreachable, in order, until the
    /// queue is empty or Redis fails again. Called by itself when the connection is restored and
    /// after successful round trips; call it before shutting down to flush.
    /// </summary>
    /// <returns><see langword="true"/> when the queue is empty afterwards.</returns>
    internal async Task<bool> ReplayPendingAsync()
    {
        if (Interlocked.Exchange(ref _draining, 1) != 0)
        {
            return false;
        }

        try
        {
            while (_pending.TryPeek(out var completion))
            {
                if (!await CompleteInRedisAsync(completion, null, null, queueOnFailure: false).ConfigureAwait(false))
                {
                    return false;
                }

                _pending.TryDequeue(out _);
                Interlocked.Decrement(ref _pendingCount);
                LogReplayed(_logger);
            }

            return true;
        }
        finally
        {
            Volatile.Write(ref _draining, 0);
        }
    }

    /// <summary>Closes the connection when the tracker created it, after one attempt to replay queued completions.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _connection.ConnectionRestored -= OnConnectionRestored;
        if (!_pending.IsEmpty && _connection.IsConnected)
        {
            await ReplayPendingAsync().ConfigureAwait(false);
        }

        if (!_pending.IsEmpty)
        {
            LogPendingLost(_logger, PendingCompletions);
        }

        _fallback?.Dispose();
        if (_ownsConnection)
        {
            await _connection.CloseAsync(allowCommandsToComplete: true).ConfigureAwait(false);
            _connection.Dispose();
        }
    }

    /// <summary>Closes the connection when the tracker created it; prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static ConfigurationOptions CreateConfiguration(RedisBudgetOptions options) =>
        RedisConnectionCache.CreateConfiguration(options.Configuration!, options.OperationTimeout);

    private static long ToStored(BudgetMetric metric, decimal? amount) => amount switch
    {
        null => -1,
        { } value when metric == BudgetMetric.CostUsd => (long)Math.Ceiling(value * NanoPerUsd),
        { } value => (long)Math.Ceiling(value),
    };

    private static decimal FromStored(BudgetMetric metric, long stored) => metric == BudgetMetric.CostUsd ? stored / NanoPerUsd : stored;

    private static void Complete(BudgetReservation reservation)
    {
        if (!reservation.TryComplete())
        {
            throw new InvalidOperationException(reservation.IsGranted
                ? "The reservation was already settled or released."
                : "The reservation was denied; there is nothing to settle or release.");
        }
    }

    private List<int> Applicable(BudgetSubject subject)
    {
        var applicable = new List<int>(_limits.Length);
        for (var l = 0; l < _limits.Length; l++)
        {
            if (!string.IsNullOrEmpty(subject.KeyOf(_limits[l].Scope)))
            {
                applicable.Add(l);
            }
        }

        return applicable;
    }

    private void AddLimits(List<RedisValue> args, List<int> applicable, BudgetSubject subject, bool withThresholds)
    {
        args.AddRange(_thresholdArgs);
        args.Add(applicable.Count);
        foreach (var l in applicable)
        {
            var template = _limitArgs[l];
            args.Add(template[0]);
            args.Add(subject.KeyOf(_limits[l].Scope));
            for (var i = 2; i < LimitStride; i++)
            {
                args.Add(template[i]);
            }
        }

        if (withThresholds)
        {
            foreach (var l in applicable)
            {
                args.AddRange(_thresholdAmounts[l]);
            }
        }
    }

    private RedisValue TimeArgument() =>
        TimeOverride is { } time ? (time.ToUnixTimeMilliseconds() * 1000) + (time.Ticks % TimeSpan.TicksPerMillisecond / 10) : RedisValue.EmptyString;

    private async Task<bool> CompleteInRedisAsync(RedisValue[] completion, List<int>? applicable, BudgetSubject? subject, bool queueOnFailure)
    {
        completion[1] = TimeArgument();
        RedisResult[] result;
        try
        {
            result = (RedisResult[])(await s_complete.EvaluateAsync(_connection.GetDatabase(), _routingKey, completion).ConfigureAwait(false))!;
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            if (queueOnFailure)
            {
                Enqueue(completion, ex);
            }
            else
            {
                LogReplayFailed(_logger, RedisFailures.NameOf(ex), PendingCompletions);
            }

            return false;
        }

        if (queueOnFailure)
        {
            DrainInBackgroundIfNeeded();
        }

        if (result.Length > 2)
        {
            applicable ??= ApplicableFromArguments(completion);
            var now = DateTimeOffset.FromUnixTimeMilliseconds((long)result[1]);
            var fired = new List<BudgetAlert>((result.Length - 2) / 6);
            for (var i = 2; i + 5 < result.Length; i += 6)
            {
                var limit = _limits[applicable[(int)result[i] - 1]];
                var metric = (BudgetMetric)((int)result[i + 1] - 1);
                var key = subject?.KeyOf(limit.Scope) ?? KeyFromArguments(completion, (int)result[i] - 1);
                fired.Add(new BudgetAlert(
                    StageName, limit.Scope, key, limit.Window, metric, _thresholds[(int)result[i + 2] - 1], limit.AmountOf(metric) ?? 0m,
                    FromStored(metric, (long)result[i + 3]), Denied: false,
                    DateTimeOffset.FromUnixTimeSeconds((long)result[i + 4]), DateTimeOffset.FromUnixTimeSeconds((long)result[i + 5])));
            }

            _ = now;
            await _alerts.DispatchAsync(fired, CancellationToken.None).ConfigureAwait(false);
        }

        return true;
    }

    // A replayed settlement carries its limits in its arguments: scope name, key, window index, then amounts.
    private List<int> ApplicableFromArguments(RedisValue[] completion)
    {
        var applicable = new List<int>();
        const int stride = LimitStride;
        var count = (int)completion[8 + _thresholds.Length];
        var first = 9 + _thresholds.Length;
        for (var j = 0; j < count; j++)
        {
            var offset = first + (j * stride);
            for (var l = 0; l < _limits.Length; l++)
            {
                if (Matches(l, completion, offset) && !applicable.Contains(l))
                {
                    applicable.Add(l);
                    break;
                }
            }
        }

        return applicable;
    }

    private bool Matches(int l, RedisValue[] completion, int offset)
    {
        var template = _limitArgs[l];
        if (template[0] != completion[offset] || template[2] != completion[offset + 2])
        {
            return false;
        }

        for (var i = 3; i < LimitStride; i++)
        {
            if (template[i] != completion[offset + i])
            {
                return false;
            }
        }

        return true;
    }

    private string KeyFromArguments(RedisValue[] completion, int index)
    {
        return completion[9 + _thresholds.Length + (index * LimitStride) + 1]!;
    }

    private void Enqueue(RedisValue[] completion, Exception ex)
    {
        if (Interlocked.Increment(ref _pendingCount) > _maxPending)
        {
            Interlocked.Decrement(ref _pendingCount);
            LogCompletionDropped(_logger, RedisFailures.NameOf(ex), _maxPending);
            return;
        }

        _pending.Enqueue(completion);
        LogCompletionQueued(_logger, ex, RedisFailures.NameOf(ex), PendingCompletions);
    }

    private void DrainInBackgroundIfNeeded()
    {
        if (Volatile.Read(ref _pendingCount) > 0 && Volatile.Read(ref _draining) == 0)
        {
            _ = Task.Run(ReplayPendingAsync);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => DrainInBackgroundIfNeeded();

    private async ValueTask<BudgetReservation> FailAsync(BudgetRequest request, Exception ex, CancellationToken cancellationToken)
    {
        var error = RedisFailures.NameOf(ex);
        if (_fallback is null)
        {
            LogUnavailable(_logger, ex, error);
            return new BudgetReservation(request, BudgetVerdicts.Unavailable(StageName, error));
        }

        LogDegraded(_logger, ex, error);
        var local = await _fallback.ReserveAsync(request, cancellationToken).ConfigureAwait(false);
        var reservation = new BudgetReservation(request, BudgetVerdicts.Degraded(StageName, error, local.Verdict), local.RetryAfter);
        if (local.IsGranted)
        {
            _fallbackReservations[reservation] = local;
        }

        return reservation;
    }

    [LoggerMessage(EventId = 3301, EventName = "RedisBudgetUnavailable", Level = LogLevel.Error,
        Message = "Redis budget store unavailable ({Error}); the call is denied (FailClosed).")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string error);

    [LoggerMessage(EventId = 3302, EventName = "RedisBudgetDegraded", Level = LogLevel.Warning,
        Message = "Redis budget store unavailable ({Error}); the local in-memory budget decides (FailOpen).")]
    private static partial void LogDegraded(ILogger logger, Exception exception, string error);

    [LoggerMessage(EventId = 3303, EventName = "RedisBudgetCompletionQueued", Level = LogLevel.Warning,
        Message = "Redis budget store unavailable ({Error}); a settlement or release is queued for replay ({Pending} pending).")]
    private static partial void LogCompletionQueued(ILogger logger, Exception exception, string error, int pending);

    [LoggerMessage(EventId = 3304, EventName = "RedisBudgetCompletionDropped", Level = LogLevel.Error,
        Message = "Redis budget store unavailable ({Error}) and {Capacity} completions are already queued; a settlement or release is dropped (its hold returns after the reservation timeout).")]
    private static partial void LogCompletionDropped(ILogger logger, string error, int capacity);

    [LoggerMessage(EventId = 3305, EventName = "RedisBudgetCompletionReplayed", Level = LogLevel.Information,
        Message = "A queued budget settlement or release was replayed to Redis.")]
    private static partial void LogReplayed(ILogger logger);

    [LoggerMessage(EventId = 3306, EventName = "RedisBudgetReplayFailed", Level = LogLevel.Warning,
        Message = "Replaying queued budget completions failed ({Error}); {Pending} remain queued.")]
    private static partial void LogReplayFailed(ILogger logger, string error, int pending);

    [LoggerMessage(EventId = 3307, EventName = "RedisBudgetCompletionsLost", Level = LogLevel.Error,
        Message = "{Pending} queued budget completions could not be replayed before the tracker was disposed.")]
    private static partial void LogPendingLost(ILogger logger, int pending);
}
