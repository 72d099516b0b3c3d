using System.Collections.Concurrent;

namespace SafeOpenAI.Testing;

/// <summary>One settlement made through <see cref="FakeBudgetTracker.SettleAsync"/>.</summary>
/// <param name="Reservation">The reservation that was settled.</param>
/// <param name="Usage">The billed tokens.</param>
/// <param name="CostUsd">The billed cost in USD, or <see langword="null"/>.</param>
public sealed record BudgetSettlement(BudgetReservation Reservation, TokenUsage Usage, decimal? CostUsd);

/// <summary>
/// A scriptable <see cref="IBudgetTracker"/> for unit tests: grants every reservation (or denies,
/// as configured), counts reserve, settle and release calls, and exposes the reservations still
/// outstanding so that a test can assert that none leaked.
/// </summary>
/// <remarks>
/// Thread-safe. Settling or releasing a denied, already completed, or foreign reservation throws
/// <see cref="InvalidOperationException"/>, as the <see cref="IBudgetTracker"/> contract says.
/// </remarks>
public sealed class FakeBudgetTracker : IBudgetTracker
{
    private readonly ConcurrentDictionary<string, BudgetReservation> _outstanding = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BudgetReservation> _issued = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<BudgetSettlement> _settlements = new();
    private readonly ConcurrentQueue<BudgetReservation> _released = new();
    private volatile Func<BudgetRequest, bool>? _shouldGrant;
    private int _reserveCount;
    private int _deniedCount;
    private int _settleCount;
    private int _releaseCount;

    /// <summary>Creates a tracker that grants everything.</summary>
    /// <param name="name">The stage name used in verdicts.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or white space.</exception>
    public FakeBudgetTracker(string name = "FakeBudget")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Gets or sets a value indicating whether reservations are granted when <see cref="ShouldGrant"/> is not set. Default <see langword="true"/>.</summary>
    public bool Grants { get; set; } = true;

    /// <summary>Gets or sets a function of the request that decides whether to grant; it wins over <see cref="Grants"/>.</summary>
    public Func<BudgetRequest, bool>? ShouldGrant
    {
        get => _shouldGrant;
        set => _shouldGrant = value;
    }

    /// <summary>Gets or sets the code of denial verdicts. Default <c>budget.exceeded:user-hour-tokens</c>.</summary>
    public string DenialCode { get; set; } = "budget.exceeded:user-hour-tokens";

    /// <summary>Gets or sets the retry-after of denials. Default one minute.</summary>
    public TimeSpan? DenialRetryAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets how many reservations were asked for (granted or denied).</summary>
    public int ReserveCount => Volatile.Read(ref _reserveCount);

    /// <summary>Gets how many reservations were denied.</summary>
    public int DeniedCount => Volatile.Read(ref _deniedCount);

    /// <summary>Gets how many reservations were settled.</summary>
    public int SettleCount => Volatile.Read(ref _settleCount);

    /// <summary>Gets how many reservations were released.</summary>
    public int ReleaseCount => Volatile.Read(ref _releaseCount);

    /// <summary>Gets the granted reservations not yet settled or released; empty when nothing leaked.</summary>
    public IReadOnlyCollection<BudgetReservation> Outstanding => _outstanding.Values.ToArray();

    /// <summary>Gets the settlements made so far, in call order.</summary>
    public IReadOnlyList<BudgetSettlement> Settlements => _settlements.ToArray();

    /// <summary>Gets the reservations released so far, in call order.</summary>
    public IReadOnlyList<BudgetReservation> Released => _released.ToArray();

    /// <inheritdoc />
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<BudgetReservation> ReserveAsync(BudgetRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _reserveCount);
        var grant = _shouldGrant?.Invoke(request) ?? Grants;
        BudgetReservation reservation;
        if (grant)
        {
            reservation = new BudgetReservation(request, SafetyVerdict.Allow(Name));
            _outstanding[reservation.Id] = reservation;
        }
        else
        {
            Interlocked.Increment(ref _deniedCount);
            reservation = new BudgetReservation(
                request,
                SafetyVerdict.Block(Name, DenialCode, "The usage limit was reached; try again later.", new Dictionary<string, string>(StringComparer.Ordinal) { ["limit"] = "fake" }),
                DenialRetryAfter);
        }

        _issued[reservation.Id] = reservation;
        return ValueTask.FromResult(reservation);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The reservation was denied, not issued by this tracker, or already settled or released.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask SettleAsync(BudgetReservation reservation, TokenUsage usage, decimal? costUsd, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(usage);
        Complete(reservation, cancellationToken);
        Interlocked.Increment(ref _settleCount);
        _settlements.Enqueue(new BudgetSettlement(reservation, usage, costUsd));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The reservation was denied, not issued by this tracker, or already settled or released.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken)
    {
        Complete(reservation, cancellationToken);
        Interlocked.Increment(ref _releaseCount);
        _released.Enqueue(reservation);
        return ValueTask.CompletedTask;
    }

    private void Complete(BudgetReservation reservation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_issued.ContainsKey(reservation.Id))
        {
            throw new InvalidOperationException("The reservation was not issued by this tracker.");
        }

        if (!reservation.IsGranted)
        {
            throw new InvalidOperationException("A denied reservation cannot be settled or released.");
        }

        if (!reservation.TryComplete())
        {
            throw new InvalidOperationException("The reservation was already settled or released.");
        }

        _outstanding.TryRemove(reservation.Id, out _);
    }
}
