using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace SafeOpenAI.Redis;

/// <summary>
/// An <see cref="IUserAccessPolicy"/> whose suspensions live in Redis, so that every instance of an
/// application blocks a suspended user and an operator's lift takes effect everywhere at once. The
/// check every call makes is one <c>GET</c>; suspending, lifting and listing are one atomic Lua
/// script each.
/// </summary>
/// <remarks>
/// <para>
/// Keys under <see cref="RedisAccessPolicyOptions.KeyPrefix"/> <c>P</c>: <c>P:u:USER</c> holds one
/// suspension as JSON <c>{"reason":"…","since":MS,"until":MS}</c> (milliseconds since the Unix
/// epoch, UTC) and expires (<c>PX</c>) when it ends; the sorted set <c>P:suspensions</c> indexes
/// the suspended user keys by end time for listing, and is pruned of ended members by every write
/// and listing. User keys are hashed safety identifiers, so no key holds a raw user id.
/// </para>
/// <para>
/// Time is the <see cref="TimeProvider"/> given, not the Redis clock: a suspension is in force while
/// <c>now &lt; Until</c> on the application's clock (so <c>FakeTimeProvider</c> drives expiry in tests,
/// and the end a user is shown is the end that applies); the key's TTL is the remaining time at the
/// write and only collects garbage. Instances are expected to run NTP-synchronised clocks; a skew of
/// S moves a suspension's end by S on the skewed instance. Times are stored to the millisecond
/// (the end rounded up).
/// </para>
/// <para>
/// "Keep the longer" is atomic: the suspend script compares the stored end with the new one and
/// writes only a later end, so concurrent suspensions from many instances leave the latest end in force.
/// </para>
/// <para>
/// Failures (Redis unreachable, or no answer within <see cref="RedisAccessPolicyOptions.OperationTimeout"/>):
/// a suspension check returns the user's suspension when this instance last saw one in force, and
/// otherwise lets the call through (<see cref="RedisFailureMode.FailOpen"/>, the default) or blocks
/// it as suspended for 5 seconds with reason <see cref="UnavailableReason"/>
/// (<see cref="RedisFailureMode.FailClosed"/>); either way an error is logged. Suspending, lifting
/// and listing throw the Redis error instead (an operator must know the write did not happen); a
/// suspension that could not be written still applies on this instance until it ends.
/// </para>
/// <para>
/// Cancellation is checked before each round trip. Thread-safe. The connection is not disposed by
/// the policy.
/// </para>
/// </remarks>
public sealed partial class RedisUserAccessPolicy : IUserAccessPolicy
{
    /// <summary>
    /// The reason of the suspension a <see cref="RedisFailureMode.FailClosed"/> policy reports while
    /// Redis is unreachable: <c>access.unavailable</c>.
    /// </summary>
    public const string UnavailableReason = "access.unavailable";

    private const int KnownSweepEvery = 256;
    private static readonly TimeSpan s_unavailableBlock = TimeSpan.FromSeconds(5);
    private static readonly RedisScript s_suspend = new(RedisAccessScripts.Suspend);
    private static readonly RedisScript s_lift = new(RedisAccessScripts.Lift);
    private static readonly RedisScript s_list = new(RedisAccessScripts.List);

    private readonly IConnectionMultiplexer _connection;
    private readonly string _keyPrefix;
    private readonly RedisValue _prefix;
    private readonly RedisKey _index;
    private readonly RedisFailureMode _failureMode;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // The suspensions this instance last saw in force: what a check decides from while Redis is down.
    private readonly ConcurrentDictionary<string, UserSuspension> _known = new(StringComparer.Ordinal);
    private int _remembered;

    /// <summary>Creates a policy over an existing connection, which it does not dispose.</summary>
    /// <param name="connection">The connection; StackExchange.Redis multiplexes all calls over it.</param>
    /// <param name="options">The options; <see cref="RedisAccessPolicyOptions.Configuration"/> is not used.</param>
    /// <param name="timeProvider">The clock that decides when suspensions end; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Creates the <c>SafeOpenAI.Redis</c> logger; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="connection"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="RedisAccessPolicyOptions"/>).</exception>
    public RedisUserAccessPolicy(IConnectionMultiplexer connection, RedisAccessPolicyOptions options, TimeProvider? timeProvider, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        var validation = new RedisAccessPolicyOptionsValidator(RedisAccessPolicyOptions.SectionName, static () => true).Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(options));
        }

        _connection = connection;
        _keyPrefix = options.KeyPrefix + ":u:";
        _prefix = options.KeyPrefix;
        _index = options.KeyPrefix + ":suspensions";
        _failureMode = options.FailureMode;
        _timeout = options.OperationTimeout;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("SafeOpenAI.Redis");
    }

    /// <summary>Gets the connection the policy uses.</summary>
    internal IConnectionMultiplexer Connection => _connection;

    /// <inheritdoc />
    /// <remarks>One Redis <c>GET</c>. Never throws for a Redis failure: see <see cref="RedisAccessPolicyOptions.FailureMode"/>.</remarks>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the round trip.</exception>
    public async ValueTask<UserSuspension?> GetSuspensionAsync(string userKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userKey);
        cancellationToken.ThrowIfCancellationRequested();
        RedisValue value;
        try
        {
            value = await _connection.GetDatabase().StringGetAsync(_keyPrefix + userKey).WaitAsync(_timeout, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            return Unavailable(userKey, ex);
        }

        var now = _time.GetUtcNow();
        if (Decode(userKey, value) is { } suspension && suspension.Until > now)
        {
            Remember(suspension, now);
            return suspension;
        }

        _known.TryRemove(userKey, out _);
        return null;
    }

    /// <inheritdoc />
    /// <remarks>One atomic script: writes the suspension only when no later-ending one is in force, with a TTL of the remaining time.</remarks>
    /// <exception cref="ArgumentException">
    /// The user key or the reason is null or empty, the suspension does not end after it starts, or it has already ended (<c>Until</c> at or before now).
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the round trip.</exception>
    /// <exception cref="RedisException">Redis could not be reached (or a <see cref="TimeoutException"/> when it did not answer in time); the suspension still applies on this instance.</exception>
    public async ValueTask<UserSuspension> SuspendAsync(UserSuspension suspension, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        ArgumentNullException.ThrowIfNull(suspension);
        suspension.EnsureValidAt(now);
        cancellationToken.ThrowIfCancellationRequested();
        var untilMs = CeilingMilliseconds(suspension.Until);
        var nowMs = now.ToUnixTimeMilliseconds();
        RedisResult result;
        try
        {
            result = await s_suspend.EvaluateAsync(
                _connection.GetDatabase(),
                _index,
                [_prefix, suspension.UserKey, Encode(suspension, untilMs), untilMs, nowMs, Math.Max(1, untilMs - nowMs)])
                .WaitAsync(_timeout, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            _known.AddOrUpdate(suspension.UserKey, suspension, (_, existing) => existing.Until > now && existing.Until >= suspension.Until ? existing : suspension);
            LogWriteFailed(_logger, ex, RedisFailures.NameOf(ex));
            if (RedisFailures.ForCaller(ex) is { } documented && !ReferenceEquals(documented, ex))
            {
                throw documented;
            }

            throw;
        }

        var inForce = Decode(suspension.UserKey, (RedisValue)result) ?? suspension;
        Remember(inForce, now);
        return inForce;
    }

    /// <inheritdoc />
    /// <remarks>One atomic script that deletes the suspension and its index entry.</remarks>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the round trip.</exception>
    /// <exception cref="RedisException">Redis could not be reached (or a <see cref="TimeoutException"/> when it did not answer in time); nothing was lifted.</exception>
    public async ValueTask<bool> LiftAsync(string userKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userKey);
        cancellationToken.ThrowIfCancellationRequested();
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        RedisResult result;
        try
        {
            result = await s_lift.EvaluateAsync(_connection.GetDatabase(), _index, [_prefix, userKey, nowMs])
                .WaitAsync(_timeout, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            LogWriteFailed(_logger, ex, RedisFailures.NameOf(ex));
            if (RedisFailures.ForCaller(ex) is { } documented && !ReferenceEquals(documented, ex))
            {
                throw documented;
            }

            throw;
        }

        _known.TryRemove(userKey, out _);
        return (int)result == 1;
    }

    /// <inheritdoc />
    /// <remarks>
    /// One atomic script over the index (sorted by end time) that also prunes ended entries; it runs
    /// in time linear in the number of suspensions in force, which abuse rules keep small. Ties in
    /// the end time are ordered by user key (ordinal).
    /// </remarks>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the round trip.</exception>
    /// <exception cref="RedisException">Redis could not be reached (or a <see cref="TimeoutException"/> when it did not answer in time).</exception>
    public async ValueTask<IReadOnlyList<UserSuspension>> ListSuspensionsAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = _time.GetUtcNow();
        var result = (RedisResult[])(await s_list.EvaluateAsync(_connection.GetDatabase(), _index, [_prefix, now.ToUnixTimeMilliseconds()])
            .WaitAsync(_timeout, CancellationToken.None).ConfigureAwait(false))!;
        var list = new List<UserSuspension>(result.Length / 2);
        for (var i = 0; i + 1 < result.Length; i += 2)
        {
            if (Decode((string)result[i]!, (RedisValue)result[i + 1]) is { } suspension && suspension.Until > now)
            {
                list.Add(suspension);
            }
        }

        return [.. list.OrderBy(s => s.Until).ThenBy(s => s.UserKey, StringComparer.Ordinal)];
    }

    // Keeps the last suspension seen in force; ended entries are swept every KnownSweepEvery remembers.
    private void Remember(UserSuspension suspension, DateTimeOffset now)
    {
        _known[suspension.UserKey] = suspension;
        if (Interlocked.Increment(ref _remembered) % KnownSweepEvery == 0)
        {
            foreach (var entry in _known)
            {
                if (entry.Value.Until <= now)
                {
                    _known.TryRemove(entry);
                }
            }
        }
    }

    private UserSuspension? Unavailable(string userKey, Exception ex)
    {
        var now = _time.GetUtcNow();
        if (_known.TryGetValue(userKey, out var known) && known.Until > now)
        {
            LogUnavailableKnown(_logger, ex, RedisFailures.NameOf(ex));
            return known;
        }

        if (_failureMode == RedisFailureMode.FailOpen)
        {
            LogUnavailableOpen(_logger, ex, RedisFailures.NameOf(ex));
            return null;
        }

        LogUnavailableClosed(_logger, ex, RedisFailures.NameOf(ex));
        return new UserSuspension(userKey, UnavailableReason, now, now + s_unavailableBlock);
    }

    private static long CeilingMilliseconds(DateTimeOffset instant)
    {
        var ms = instant.ToUnixTimeMilliseconds();
        return instant.UtcTicks % TimeSpan.TicksPerMillisecond == 0 ? ms : ms + 1;
    }

    private static byte[] Encode(UserSuspension suspension, long untilMs)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("reason", suspension.Reason);
            writer.WriteNumber("since", suspension.Since.ToUnixTimeMilliseconds());
            writer.WriteNumber("until", untilMs);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a stored suspension; <see langword="null"/> for a missing or undecodable value.</summary>
    private static UserSuspension? Decode(string userKey, RedisValue value)
    {
        if (value.IsNullOrEmpty)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse((ReadOnlyMemory<byte>)value);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String
                && root.TryGetProperty("since", out var since) && since.TryGetInt64(out var sinceMs)
                && root.TryGetProperty("until", out var until) && until.TryGetInt64(out var untilMs))
            {
                return new UserSuspension(userKey, reason.GetString()!, DateTimeOffset.FromUnixTimeMilliseconds(sinceMs), DateTimeOffset.FromUnixTimeMilliseconds(untilMs));
            }
        }
        catch (Exception ex) when (ex is JsonException or ArgumentOutOfRangeException)
        {
        }

        return null;
    }

    [LoggerMessage(EventId = 3311, EventName = "RedisAccessUnavailableOpen", Level = LogLevel.Error,
        Message = "Redis access policy unavailable ({Error}); the call is let through unchecked for suspensions (FailOpen).")]
    private static partial void LogUnavailableOpen(ILogger logger, Exception exception, string error);

    [LoggerMessage(EventId = 3312, EventName = "RedisAccessUnavailableClosed", Level = LogLevel.Error,
        Message = "Redis access policy unavailable ({Error}); the call is blocked (FailClosed).")]
    private static partial void LogUnavailableClosed(ILogger logger, Exception exception, string error);

    [LoggerMessage(EventId = 3313, EventName = "RedisAccessUnavailableKnown", Level = LogLevel.Error,
        Message = "Redis access policy unavailable ({Error}); the call is blocked by the suspension this instance last saw.")]
    private static partial void LogUnavailableKnown(ILogger logger, Exception exception, string error);

    [LoggerMessage(EventId = 3314, EventName = "RedisAccessWriteFailed", Level = LogLevel.Error,
        Message = "Redis access policy unavailable ({Error}); a suspension or lift was not written.")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string error);
}
