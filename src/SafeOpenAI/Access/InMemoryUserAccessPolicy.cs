using System.Collections.Concurrent;

namespace SafeOpenAI;

/// <summary>
/// The default <see cref="IUserAccessPolicy"/>: suspensions held in this process, in a concurrent
/// dictionary keyed by user key. Lost on restart and not shared between instances; use
/// <c>SafeOpenAI.Redis</c>'s <c>UseRedisAccessPolicy</c> for that.
/// </summary>
/// <remarks>
/// <para>
/// Time comes from the <see cref="TimeProvider"/> only: a suspension is in force while
/// <c>now &lt; Until</c>, and calls are allowed again from the instant <see cref="UserSuspension.Until"/>.
/// Expired entries are removed when they are read, when the list is taken, and by a sweep every
/// 64 writes, so memory stays bounded by the suspensions in force plus the writes since the last sweep.
/// </para>
/// <para>
/// "Keep the longer" is atomic: concurrent <see cref="SuspendAsync"/> calls for one user leave the
/// suspension with the latest end in force, whatever their order. Every member is thread-safe and
/// completes synchronously.
/// </para>
/// </remarks>
public sealed class InMemoryUserAccessPolicy : IUserAccessPolicy
{
    private const int SweepEvery = 64;
    private readonly ConcurrentDictionary<string, UserSuspension> _suspensions = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private int _writesSinceSweep;

    /// <summary>Creates the policy.</summary>
    /// <param name="timeProvider">The clock that decides when suspensions end.</param>
    /// <exception cref="ArgumentNullException"><paramref name="timeProvider"/> is null.</exception>
    public InMemoryUserAccessPolicy(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
    }

    /// <summary>Gets the number of entries held, ended ones not yet swept included.</summary>
    internal int Count => _suspensions.Count;

    /// <inheritdoc />
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<UserSuspension?> GetSuspensionAsync(string userKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userKey);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_suspensions.TryGetValue(userKey, out var suspension))
        {
            return ValueTask.FromResult<UserSuspension?>(null);
        }

        if (suspension.Until > _time.GetUtcNow())
        {
            return ValueTask.FromResult<UserSuspension?>(suspension);
        }

        // Removes exactly the expired entry, never a newer one written meanwhile.
        _suspensions.TryRemove(KeyValuePair.Create(userKey, suspension));
        return ValueTask.FromResult<UserSuspension?>(null);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">
    /// The user key or the reason is null or empty, the suspension does not end after it starts, or it has already ended (<c>Until</c> at or before now).
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<UserSuspension> SuspendAsync(UserSuspension suspension, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        ArgumentNullException.ThrowIfNull(suspension);
        suspension.EnsureValidAt(now);
        cancellationToken.ThrowIfCancellationRequested();

        var inForce = _suspensions.AddOrUpdate(
            suspension.UserKey,
            static (_, state) => state.Added,
            static (_, existing, state) => existing.Until > state.Now && existing.Until >= state.Added.Until ? existing : state.Added,
            (Added: suspension, Now: now));

        if (Interlocked.Increment(ref _writesSinceSweep) >= SweepEvery)
        {
            Volatile.Write(ref _writesSinceSweep, 0);
            Sweep(now);
        }

        return ValueTask.FromResult(inForce);
    }

    /// <inheritdoc />
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<bool> LiftAsync(string userKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userKey);
        cancellationToken.ThrowIfCancellationRequested();
        var lifted = _suspensions.TryRemove(userKey, out var removed) && removed.Until > _time.GetUtcNow();
        return ValueTask.FromResult(lifted);
    }

    /// <inheritdoc />
    /// <remarks>Expired suspensions are removed while the list is taken. Ties in the end time are ordered by user key (ordinal).</remarks>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<IReadOnlyList<UserSuspension>> ListSuspensionsAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = _time.GetUtcNow();
        Sweep(now);
        IReadOnlyList<UserSuspension> list = _suspensions.Values
            .Where(s => s.Until > now)
            .OrderBy(s => s.Until)
            .ThenBy(s => s.UserKey, StringComparer.Ordinal)
            .ToArray();
        return ValueTask.FromResult(list);
    }


    private void Sweep(DateTimeOffset now)
    {
        foreach (var entry in _suspensions)
        {
            if (entry.Value.Until <= now)
            {
                _suspensions.TryRemove(entry);
            }
        }
    }
}
