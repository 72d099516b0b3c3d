namespace SafeOpenAI.Testing;

/// <summary>
/// Serializes the lifecycle operations of one private test server (kill, restart, dispose), so that a
/// restart never races a kill, and refuses them once the server is disposed. Thread-safe.
/// </summary>
/// <param name="server">The server, named in <see cref="ObjectDisposedException"/>.</param>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "The semaphore's wait handle is never created (only WaitAsync and Release are used), so there is nothing to dispose; the server's own DisposeAsync is the lifecycle's end.")]
internal sealed class LocalServerLifecycle(object server)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _disposed;

    /// <summary>Throws when the server has been disposed.</summary>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, server);

    /// <summary>Runs one operation alone.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="cancellationToken">Cancels the wait for the gate and the operation.</param>
    /// <returns>A task that completes when the operation has.</returns>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public async Task RunAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await operation(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Marks the server disposed and runs <paramref name="stop"/> alone, the first time only.</summary>
    /// <param name="stop">Stops the server.</param>
    /// <returns><see langword="true"/> the first time (the caller then deletes the server's folder); <see langword="false"/> after.</returns>
    public async Task<bool> DisposeAsync(Func<Task> stop)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return false;
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await stop().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        return true;
    }
}
