namespace SafeOpenAI;

/// <summary>
/// Keeps per-user request rates and token budgets with an atomic reserve → settle / release
/// protocol, so that concurrent calls can never spend more than a budget allows.
/// </summary>
/// <remarks>
/// <para>
/// The pipeline reserves before anything is sent (counted prompt tokens plus the request's
/// maximum output tokens), then settles with the usage the provider billed once the call ends
/// (even when an output stage blocks the answer, because the model was billed), or releases the
/// whole reservation when the model was never reached or the call failed or was cancelled.
/// Every reservation is settled or released exactly once.
/// </para>
/// <para>Implementations are thread-safe and honour cancellation.</para>
/// </remarks>
public interface IBudgetTracker
{
    /// <summary>Gets the stage name used in verdicts, for example <c>InMemoryBudget</c>.</summary>
    string Name { get; }

    /// <summary>Reserves budget for one call, or denies it.</summary>
    /// <param name="request">What the call may spend at most.</param>
    /// <param name="cancellationToken">Cancels the reservation.</param>
    /// <returns>A granted reservation, or a denied one whose verdict names the limit that ran out.</returns>
    ValueTask<BudgetReservation> ReserveAsync(BudgetRequest request, CancellationToken cancellationToken);

    /// <summary>Replaces a granted reservation with what the provider actually billed.</summary>
    /// <param name="reservation">A granted reservation from <see cref="ReserveAsync"/>, not yet settled or released.</param>
    /// <param name="usage">The billed tokens.</param>
    /// <param name="costUsd">The billed cost in USD, or <see langword="null"/> when the model has no known price.</param>
    /// <param name="cancellationToken">Cancels the settlement.</param>
    /// <returns>A task that completes when the budget is updated.</returns>
    /// <exception cref="InvalidOperationException">The reservation was denied, or already settled or released.</exception>
    ValueTask SettleAsync(BudgetReservation reservation, TokenUsage usage, decimal? costUsd, CancellationToken cancellationToken);

    /// <summary>Returns a granted reservation unused (the model was not reached, or the call failed or was cancelled).</summary>
    /// <param name="reservation">A granted reservation, not yet settled or released.</param>
    /// <param name="cancellationToken">Cancels the release.</param>
    /// <returns>A task that completes when the budget is updated.</returns>
    /// <exception cref="InvalidOperationException">The reservation was denied, or already settled or released.</exception>
    ValueTask ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken);
}
