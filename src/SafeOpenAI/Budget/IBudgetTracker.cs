namespace SafeOpenAI;

/// <summary>
/// Keeps budgets (<see cref="BudgetLimit"/>: tokens, requests and USD per scope and window) and the
/// per-user request rate with an atomic reserve → settle / release protocol, so that concurrent
/// calls can never spend more than a budget allows.
/// </summary>
/// <remarks>
/// <para>
/// The pipeline reserves before anything is sent (counted prompt tokens plus the request's
/// maximum output tokens, one request, and the most the call can cost), then settles with the
/// usage the provider billed once the call ends (even when an output stage blocks the answer,
/// because the model was billed), or releases the whole reservation when the model was never
/// reached or the call failed or was cancelled. Every model request is reserved on its own, so a
/// re-ask is budgeted and billed as the request it is. Every reservation is settled or released
/// exactly once.
/// </para>
/// <para>
/// The rules every tracker SafeOpenAI ships follows (docs/budgets.md): a limit applies when the
/// call has a key in its scope (<see cref="BudgetSubject.KeyOf"/>). A reservation is granted only
/// when, for every applicable limit and limited metric, committed usage in the current window plus
/// the holds of outstanding reservations of that key plus the request stay within the limit; then
/// the request rate permit is taken; then the hold is added. Holds belong to the key, not to a
/// window, so in-flight spending counts against a window that begins while it is outstanding.
/// Settling removes the hold and commits the billed usage to the windows current at settle time.
/// Denials use <see cref="BudgetVerdicts"/>; when several limits deny, the verdict names the one
/// that resets last, since the call cannot succeed before it does.
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
    /// <param name="costUsd">The billed cost in USD, or <see langword="null"/> when the model has no known price (the reservation's estimate is then committed, never a silent zero).</param>
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
