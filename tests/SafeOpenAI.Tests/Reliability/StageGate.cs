using SafeOpenAI.Testing;

namespace SafeOpenAI.Tests.Reliability;

/// <summary>
/// Holds a stage inside its work until the test opens it, and tells the test when the stage got
/// there: a cancellation test cancels while the stage is provably in flight, ordered by signals,
/// not by delays.
/// </summary>
internal sealed class StageGate
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a stage is inside <see cref="PassAsync"/>; fails the test after <see cref="FaultHost.Patience"/>.</summary>
    public Task WaitUntilEnteredAsync() => _entered.Task.WaitAsync(FaultHost.Patience);

    /// <summary>Lets every stage waiting in <see cref="PassAsync"/> go on.</summary>
    public void Open() => _open.TrySetResult();

    /// <summary>Called by the stage: signals that it is in flight, then waits until the gate opens or <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task PassAsync(CancellationToken cancellationToken)
    {
        _entered.TrySetResult();
        await _open.Task.WaitAsync(cancellationToken);
    }
}

/// <summary>A user-supplied input guard that waits at a <see cref="StageGate"/>, observing the call's token.</summary>
internal sealed class GatedInputGuard(StageGate gate) : IInputGuard
{
    public string Name => "GatedInputGuard";

    public async ValueTask<InputGuardResult> InspectAsync(SafetyRequest request, CancellationToken cancellationToken)
    {
        await gate.PassAsync(cancellationToken);
        return InputGuardResult.Allow(Name);
    }
}

/// <summary>A user-supplied output validator that waits at a <see cref="StageGate"/>, observing the call's token, and then allows.</summary>
internal sealed class GatedOutputValidator(StageGate gate) : IOutputValidator
{
    private int _calls;
    private int _inFlight;

    public string Name => "GatedOutputValidator";

    public OutputValidationScope Scope { get; init; } = OutputValidationScope.WholeAnswer;

    /// <summary>Gets how many times the validator was called.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Gets how many calls are running now (waiting at the gate).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public OutputValidationScope GetScope(SafetyRequest request) => Scope;

    public async ValueTask<OutputValidationResult> ValidateAsync(SafetyRequest request, SafetyResponse response, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        Interlocked.Increment(ref _inFlight);
        try
        {
            await gate.PassAsync(cancellationToken);
            return OutputValidationResult.Allow(Name);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}

/// <summary>A budget tracker whose reservation waits at a <see cref="StageGate"/> before the in-memory tracker is asked.</summary>
internal sealed class GatedBudgetTracker(StageGate gate, InMemoryBudgetTracker inner) : IBudgetTracker
{
    public string Name => inner.Name;

    public async ValueTask<BudgetReservation> ReserveAsync(BudgetRequest request, CancellationToken cancellationToken)
    {
        await gate.PassAsync(cancellationToken);
        return await inner.ReserveAsync(request, cancellationToken);
    }

    public ValueTask SettleAsync(BudgetReservation reservation, TokenUsage usage, decimal? costUsd, CancellationToken cancellationToken) =>
        inner.SettleAsync(reservation, usage, costUsd, cancellationToken);

    public ValueTask ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken) =>
        inner.ReleaseAsync(reservation, cancellationToken);
}

/// <summary>An audit sink that waits at a <see cref="StageGate"/> (with the token the pipeline passes) before it records.</summary>
internal sealed class GatedAuditSink(StageGate gate) : IAuditSink
{
    public RecordingAuditSink Recorded { get; } = new();

    public async ValueTask WriteAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        await gate.PassAsync(cancellationToken);
        await Recorded.WriteAsync(record, cancellationToken);
    }
}

/// <summary>A review store whose <see cref="AddAsync"/> waits at a <see cref="StageGate"/> (with the token the queue passes) before the in-memory store keeps the item.</summary>
internal sealed class GatedReviewStore(StageGate gate, InMemoryReviewStore inner) : IReviewStore
{
    public async Task AddAsync(ReviewRecord record, CancellationToken cancellationToken)
    {
        await gate.PassAsync(cancellationToken);
        await inner.AddAsync(record, cancellationToken);
    }

    public Task<ReviewRecord?> GetAsync(string reviewId, CancellationToken cancellationToken) => inner.GetAsync(reviewId, cancellationToken);

    public Task<IReadOnlyList<ReviewRecord>> ListAsync(ReviewListQuery query, CancellationToken cancellationToken) => inner.ListAsync(query, cancellationToken);

    public Task<bool> TryReplaceAsync(ReviewRecord updated, long expectedVersion, CancellationToken cancellationToken) => inner.TryReplaceAsync(updated, expectedVersion, cancellationToken);
}
