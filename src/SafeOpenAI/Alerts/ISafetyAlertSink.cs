namespace SafeOpenAI;

/// <summary>
/// Receives <see cref="SafetyAlert"/>s (register with <c>builder.AddSafetyAlertSink&lt;T&gt;()</c>;
/// <see cref="LoggerSafetyAlertSink"/> is registered by default, <c>builder.AddWebhookAlerts(...)</c>
/// adds a signed webhook for paging). Alerts are delivered off the call path by the
/// <see cref="SafetyAlertDispatcher"/>, so a slow sink never slows a user's call. Implementations
/// are thread-safe and may throw: a failure is logged with the alert and does not stop other sinks.
/// </summary>
public interface ISafetyAlertSink
{
    /// <summary>Delivers one alert.</summary>
    /// <param name="alert">The alert.</param>
    /// <param name="cancellationToken">Cancels the delivery (the dispatcher cancels it when the host stops past its drain timeout).</param>
    /// <returns>A task that completes when the alert is delivered.</returns>
    ValueTask PublishAsync(SafetyAlert alert, CancellationToken cancellationToken);
}
