namespace SafeOpenAI;

/// <summary>
/// The outcome of <see cref="IBudgetTracker.ReserveAsync"/>: a granted hold on budget that must be
/// settled or released exactly once, or a denial whose verdict names the limit that ran out.
/// </summary>
/// <remarks>Thread-safe. The settled/released state is tracked by the tracker that issued it.</remarks>
public sealed class BudgetReservation
{
    private int _completed;
    private string? _id;

    /// <summary>Creates a reservation.</summary>
    /// <param name="request">What was asked for.</param>
    /// <param name="verdict">Allow for a granted reservation; Block (with the limit, the measured value and the reset time in its evidence) for a denial.</param>
    /// <param name="retryAfter">For a denial, how long until the limit resets; otherwise <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public BudgetReservation(BudgetRequest request, SafetyVerdict verdict, TimeSpan? retryAfter = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(verdict);
        Request = request;
        Verdict = verdict;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets a unique id of the reservation.</summary>
    public string Id => _id ?? Interlocked.CompareExchange(ref _id, Guid.NewGuid().ToString("N"), null) ?? _id!;

    /// <summary>Gets what was asked for.</summary>
    public BudgetRequest Request { get; }

    /// <summary>Gets the tracker's verdict.</summary>
    public SafetyVerdict Verdict { get; }

    /// <summary>Gets a value indicating whether the budget was reserved.</summary>
    public bool IsGranted => Verdict.Action != SafetyAction.Block;

    /// <summary>Gets how long until the limit that denied the call resets, or <see langword="null"/>.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Marks the reservation settled or released; only the first call succeeds.</summary>
    /// <returns><see langword="true"/> the first time; <see langword="false"/> afterwards.</returns>
    /// <remarks>For <see cref="IBudgetTracker"/> implementations, so that a double settle is detected atomically.</remarks>
    public bool TryComplete() => IsGranted && Interlocked.Exchange(ref _completed, 1) == 0;
}
