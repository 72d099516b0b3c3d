using SafeOpenAI.Testing;

namespace SafeOpenAI.Samples.WebApp.Hosting;

/// <summary>
/// Where the app's model calls go: OpenAI, or, offline, the embedded <see cref="LocalOpenAIEndpoint"/>
/// (a deterministic echo model and a keyword moderation stand-in, neither a real model nor a classifier).
/// Registered as a singleton so that the container stops the local endpoint when the app is disposed.
/// </summary>
public sealed class ModelConnection : IAsyncDisposable
{
    private ModelConnection(LocalOpenAIEndpoint? local)
    {
        Local = local;
    }

    /// <summary>Gets the local endpoint when the app runs offline; otherwise <see langword="null"/>.</summary>
    public LocalOpenAIEndpoint? Local { get; }

    /// <summary>Gets whether the app runs offline against the local endpoint.</summary>
    public bool IsOffline => Local is not null;

    /// <summary>Starts the local endpoint when the app runs offline.</summary>
    /// <param name="offline">Whether to run offline.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The connection; dispose it to stop the local endpoint.</returns>
    /// <exception cref="IOException">The local endpoint could not bind a loopback port.</exception>
    public static async Task<ModelConnection> OpenAsync(bool offline, CancellationToken cancellationToken) =>
        new(offline ? await LocalOpenAIEndpoint.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false) : null);

    /// <summary>Stops the local endpoint, if any.</summary>
    /// <returns>A task that completes when it has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Local is not null)
        {
            await Local.DisposeAsync().ConfigureAwait(false);
        }
    }
}
