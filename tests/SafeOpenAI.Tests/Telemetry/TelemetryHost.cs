using Microsoft.Extensions.DependencyInjection;
using SafeOpenAI.Tests.Integration;

namespace SafeOpenAI.Tests.Telemetry;

/// <summary>
/// An <see cref="IntegrationHost"/> for the telemetry tests: the real SDK over HTTP to the local
/// endpoint, with an access policy that suspends nobody and the anomaly monitor off, so the spans
/// and measurements are those of the call alone.
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
            b =>
            {
                b.Services.AddSingleton<IUserAccessPolicy, OpenAccessPolicy>();
                build?.Invoke(b);
            });

    private sealed class OpenAccessPolicy : IUserAccessPolicy
    {
        public ValueTask<UserSuspension?> GetSuspensionAsync(string userKey, CancellationToken cancellationToken) => ValueTask.FromResult<UserSuspension?>(null);

        public ValueTask<UserSuspension> SuspendAsync(UserSuspension suspension, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<bool> LiftAsync(string userKey, CancellationToken cancellationToken) => ValueTask.FromResult(false);

        public ValueTask<IReadOnlyList<UserSuspension>> ListSuspensionsAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IReadOnlyList<UserSuspension>>([]);
    }
}
