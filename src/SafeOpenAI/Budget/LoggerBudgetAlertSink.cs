using Microsoft.Extensions.Logging;

namespace SafeOpenAI;

/// <summary>
/// The default <see cref="IBudgetAlertSink"/>: writes each alert as one structured warning
/// (event id 3101, <c>BudgetAlert</c>) to the <c>SafeOpenAI.Budget</c> logger. Thread-safe.
/// </summary>
public sealed partial class LoggerBudgetAlertSink : IBudgetAlertSink
{
    private readonly ILogger _logger;

    /// <summary>Creates the sink.</summary>
    /// <param name="loggerFactory">Creates the <c>SafeOpenAI.Budget</c> logger.</param>
    /// <exception cref="ArgumentNullException"><paramref name="loggerFactory"/> is null.</exception>
    public LoggerBudgetAlertSink(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _logger = loggerFactory.CreateLogger("SafeOpenAI.Budget");
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="alert"/> is null.</exception>
    public ValueTask PublishAsync(BudgetAlert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        Log(_logger, alert.LimitName, alert.Threshold * 100, alert.Key, alert.Used, alert.Limit, alert.Denied, alert.ResetsAt, alert.Tracker);
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 3101, EventName = "BudgetAlert", Level = LogLevel.Warning,
        Message = "Budget {LimitName} of {Key} reached {ThresholdPercent} %: {Used} of {Limit} used (denied: {Denied}); the window resets at {ResetsAt:o} ({Tracker}).")]
    private static partial void Log(ILogger logger, string limitName, double thresholdPercent, string key, decimal used, decimal limit, bool denied, DateTimeOffset resetsAt, string tracker);
}
