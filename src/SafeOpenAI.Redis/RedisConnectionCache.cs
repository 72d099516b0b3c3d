using System.Collections.Concurrent;
using StackExchange.Redis;

namespace SafeOpenAI.Redis;

/// <summary>
/// The connections SafeOpenAI.Redis opens from configuration strings, one
/// <see cref="ConnectionMultiplexer"/> per distinct string, shared by the budget tracker and the
/// access policy of one application (StackExchange.Redis multiplexes every caller over one
/// connection and recommends one per application). A dependency-injection singleton: the container
/// disposes it, and with it the connections, after the services that use them. Thread-safe.
/// </summary>
internal sealed class RedisConnectionCache : IAsyncDisposable, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<ConnectionMultiplexer>> _connections = new(StringComparer.Ordinal);
    private int _disposed;

    /// <summary>
    /// Gets the connection for <paramref name="configuration"/>, opening it on first use with
    /// <paramref name="operationTimeout"/> as its command timeout (a later caller with the same
    /// string but another timeout shares the first connection and its timeout).
    /// </summary>
    public IConnectionMultiplexer Get(string configuration, TimeSpan operationTimeout)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _connections.GetOrAdd(
            configuration,
            static (text, timeout) => new Lazy<ConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(CreateConfiguration(text, timeout))),
            operationTimeout).Value;
    }

    /// <summary>
    /// The settings SafeOpenAI.Redis applies to a connection it opens: it starts and reconnects
    /// while Redis is down, fails commands at once while disconnected instead of queueing them, and
    /// times a command out after <paramref name="operationTimeout"/>.
    /// </summary>
    internal static ConfigurationOptions CreateConfiguration(string configuration, TimeSpan operationTimeout)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.AsyncTimeout = (int)operationTimeout.TotalMilliseconds;
        options.SyncTimeout = (int)operationTimeout.TotalMilliseconds;
        options.ReconnectRetryPolicy = new ExponentialRetry(250, 5_000);
        options.ClientName ??= "SafeOpenAI.Redis";
        // The .NET thread pool, not StackExchange.Redis's dedicated socket threads, completes the
        // replies: the dedicated threads spin while they wait for work, which on a small machine
        // takes the CPU that the application and Redis itself need.
        options.SocketManager ??= SocketManager.ThreadPool;
        return options;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var connection in _connections.Values)
        {
            if (connection.IsValueCreated)
            {
                await connection.Value.CloseAsync(allowCommandsToComplete: true).ConfigureAwait(false);
                connection.Value.Dispose();
            }
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
