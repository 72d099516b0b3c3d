namespace SafeOpenAI;

/// <summary>
/// Receives <see cref="BudgetAlert"/>s (register with <c>builder.AddBudgetAlertSink&lt;T&gt;()</c>;
/// <see cref="LoggerBudgetAlertSink"/> is registered by default). Implementations are thread-safe,
/// return quickly (the tracker awaits them before the call that raised the alert returns) and
/// may throw: a failure is logged by <see cref="BudgetAlertDispatcher"/> with the alert and does not
/// fail the user's call or stop other sinks.
/// </summary>
public interface IBudgetAlertSink
{
    /// <summary>Delivers one alert.</summary>
    /// <param name="alert">The alert.</param>
    /// <param name="cancellationToken">Cancels the delivery.</param>
    /// <returns>A task that completes when the alert is delivered.</returns>
    ValueTask PublishAsync(BudgetAlert alert, CancellationToken cancellationToken);
}
