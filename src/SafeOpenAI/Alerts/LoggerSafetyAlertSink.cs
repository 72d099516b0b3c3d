using Microsoft.Extensions.Logging;

namespace SafeOpenAI;

/// <summary>The default <see cref="ISafetyAlertSink"/>: writes each alert as one structured log event.</summary>
public sealed partial class LoggerSafetyAlertSink : ISafetyAlertSink
{
    /// <summary>Creates the sink.</summary>
    /// <param name="loggerFactory">Creates the <c>SafeOpenAI.Anomaly</c> logger.</param>
    public LoggerSafetyAlertSink(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        throw new NotImplementedException();
    }

    /// <inheritdoc />
    public ValueTask PublishAsync(SafetyAlert alert, CancellationToken cancellationToken) => throw new NotImplementedException();
}
