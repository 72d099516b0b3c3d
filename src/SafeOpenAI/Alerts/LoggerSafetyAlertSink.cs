using Microsoft.Extensions.Logging;

namespace SafeOpenAI;

/// <summary>
/// The default <see cref="ISafetyAlertSink"/>: writes each alert as one structured warning
/// (event id 3201, <c>SafetyAlert</c>) to the <c>SafeOpenAI.Anomaly</c> logger, with the rule,
/// scope, subject (a user key, never a raw user id, or a review id), observed value, threshold, unit, window in
/// seconds and the end of any suspension. Thread-safe.
/// </summary>
public sealed partial class LoggerSafetyAlertSink : ISafetyAlertSink
{
    private readonly ILogger _logger;

    /// <summary>Creates the sink.</summary>
    /// <param name="loggerFactory">Creates the <c>SafeOpenAI.Anomaly</c> logger.</param>
    /// <exception cref="ArgumentNullException"><paramref name="loggerFactory"/> is null.</exception>
    public LoggerSafetyAlertSink(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _logger = loggerFactory.CreateLogger("SafeOpenAI.Anomaly");
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="alert"/> is null.</exception>
    public ValueTask PublishAsync(SafetyAlert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        Log(_logger, alert.Rule, alert.Scope, alert.Subject, alert.Observed, alert.Unit, alert.Threshold, alert.Window.TotalSeconds, alert.RaisedAt, alert.SuspendedUntil);
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 3201, EventName = "SafetyAlert", Level = LogLevel.Warning,
        Message = "Safety alert {Rule} ({Scope}) about {Subject}: observed {Observed} {Unit} against the threshold {Threshold} over {WindowSeconds} s at {RaisedAt:o}; suspended until {SuspendedUntil:o}.")]
    private static partial void Log(ILogger logger, string rule, AlertScope scope, string? subject, double observed, string unit, double threshold, double windowSeconds, DateTimeOffset raisedAt, DateTimeOffset? suspendedUntil);
}
