using Microsoft.Extensions.Logging;

namespace SafeOpenAI;

/// <summary>Delivers <see cref="SafetyAlert"/>s to every <see cref="ISafetyAlertSink"/>, off the call path.</summary>
public sealed partial class SafetyAlertDispatcher
{
    /// <summary>Creates a dispatcher.</summary>
    /// <param name="sinks">The sinks.</param>
    /// <param name="loggerFactory">Creates the logger.</param>
    public SafetyAlertDispatcher(IEnumerable<ISafetyAlertSink> sinks, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        throw new NotImplementedException();
    }

    /// <summary>Queues one alert for delivery.</summary>
    /// <param name="alert">The alert.</param>
    public void Enqueue(SafetyAlert alert) => throw new NotImplementedException();
}
