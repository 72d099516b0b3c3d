using Microsoft.Extensions.Logging;

namespace SafeOpenAI;

/// <summary>
/// Delivers <see cref="BudgetAlert"/>s to every registered <see cref="IBudgetAlertSink"/>, in
/// registration order. A sink that throws is logged (error, event id 3102,
/// <c>BudgetAlertDeliveryFailed</c>, with the alert's limit, key and threshold) and the remaining
/// sinks still receive the alert: an alert outage never fails the user's call, and never passes
/// unseen. Thread-safe.
/// </summary>
public sealed partial class BudgetAlertDispatcher
{
    private readonly IBudgetAlertSink[] _sinks;
    private readonly ILogger _logger;

    /// <summary>Creates a dispatcher.</summary>
    /// <param name="sinks">The sinks; copied.</param>
    /// <param name="loggerFactory">Creates the <c>SafeOpenAI.Budget</c> logger for delivery failures.</param>
    /// <exception cref="ArgumentNullException">An argument is null, or a sink is null.</exception>
    public BudgetAlertDispatcher(IEnumerable<IBudgetAlertSink> sinks, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _sinks = [.. sinks];
        if (Array.Exists(_sinks, s => s is null))
        {
            throw new ArgumentNullException(nameof(sinks), "A budget alert sink is null.");
        }

        _logger = loggerFactory.CreateLogger("SafeOpenAI.Budget");
    }

    /// <summary>Gets a dispatcher with no sinks, for trackers built without alerting.</summary>
    public static BudgetAlertDispatcher None { get; } = new([], Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);

    /// <summary>Delivers alerts to every sink.</summary>
    /// <param name="alerts">The alerts, in the order they were raised.</param>
    /// <param name="cancellationToken">Cancels the delivery; sinks not yet called are skipped.</param>
    /// <returns>A task that completes when every sink was called for every alert.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="alerts"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask DispatchAsync(IReadOnlyList<BudgetAlert> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        foreach (var alert in alerts)
        {
            foreach (var sink in _sinks)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    await sink.PublishAsync(alert, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    LogDeliveryFailed(_logger, ex, sink.GetType().FullName, alert.LimitName, alert.Key, alert.Threshold);
                }
            }
        }
    }

    [LoggerMessage(EventId = 3102, EventName = "BudgetAlertDeliveryFailed", Level = LogLevel.Error,
        Message = "Budget alert sink {Sink} failed to deliver the alert {LimitName} of {Key} at threshold {Threshold}.")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, string? sink, string limitName, string key, double threshold);
}
