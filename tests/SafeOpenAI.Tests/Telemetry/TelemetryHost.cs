using SafeOpenAI.Tests.Integration;

namespace SafeOpenAI.Tests.Telemetry;

/// <summary>
/// An <see cref="IntegrationHost"/> for the telemetry tests: the real SDK over HTTP to the local
/// endpoint with the default in-memory access policy (which suspends nobody here) and the anomaly
/// monitor off, so the spans and measurements are those of the call alone.
/// </summary>
internal static class TelemetryHost
{
    public static Task<IntegrationHost> StartAsync(Action<SafeOpenAIOptions>? configure = null, Action<ISafeOpenAIBuilder>? build = null) =>
        IntegrationHost.StartAsync(
            o =>
            {
                o.Anomaly.Enabled = false;
                configure?.Invoke(o);
            },
            build);
}
