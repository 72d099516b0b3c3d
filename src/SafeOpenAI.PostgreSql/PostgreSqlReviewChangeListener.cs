using Microsoft.Extensions.Logging;
using Npgsql;

namespace SafeOpenAI.PostgreSql;

/// <summary>
/// Hears the ids of decided and escalated reviews that the <c>review_items</c> trigger sends on
/// <see cref="PostgreSqlReviewSchema.ChangeChannel"/> (LISTEN/NOTIFY, https://www.postgresql.org/docs/current/sql-listen.html),
/// whichever instance made the change, and hands them to the subscribers.
/// </summary>
/// <remarks>
/// <para>
/// It listens on one dedicated connection of its own, outside the stores' pool (a listening connection is
/// held for the life of the store, and must not take a pooled connection away from the queries), with
/// Npgsql keepalives so a silently dead connection is noticed while waiting. It starts with the first
/// subscriber. After a connection loss it reconnects with backoff (<see cref="MinBackoff"/> doubling up to
/// <see cref="MaxBackoff"/>), and after every (re)connection it tells every subscriber that any review may have
/// changed (<see langword="null"/>), since notices sent while it was not listening are lost.
/// </para>
/// <para>Thread-safe. Subscribers are called on the listening thread and must return quickly.</para>
/// </remarks>
internal sealed partial class PostgreSqlReviewChangeListener : IAsyncDisposable, IDisposable
{
    /// <summary>The first wait before reconnecting: 100 milliseconds.</summary>
    public static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait before reconnecting: 5 seconds.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    /// <summary>Seconds of silence after which Npgsql sends a keepalive query on the listening connection.</summary>
    private const int KeepAliveSeconds = 5;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private Action<string?>[] _subscribers = [];
    private Task? _loop;
    private bool _disposed;
    private long _connections;

    /// <summary>Creates the listener; nothing connects until the first subscription.</summary>
    /// <param name="connectionString">The stores' connection string, already validated; pooling is turned off for the listening connection.</param>
    /// <param name="logger">Logs connection losses (no ids, no connection string).</param>
    public PostgreSqlReviewChangeListener(string connectionString, ILogger logger)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        if (builder.KeepAlive == 0)
        {
            builder.KeepAlive = KeepAliveSeconds;
        }

        _dataSource = NpgsqlDataSource.Create(builder);
        _logger = logger;
    }

    /// <summary>Gets how many times the listening connection was established (1 after the first connection): for tests and diagnostics.</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>Adds a subscriber and starts listening if this is the first.</summary>
    /// <exception cref="ObjectDisposedException">The listener is disposed.</exception>
    public IDisposable Subscribe(Action<string?> changed)
    {
        ArgumentNullException.ThrowIfNull(changed);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _subscribers = [.. _subscribers, changed];
            _loop ??= Task.Run(() => ListenAsync(_stop.Token));
        }

        return new Subscription(this, changed);
    }

    /// <summary>Stops listening and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? loop;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            loop = _loop;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>Stops listening and closes the connection, blocking until it is closed.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task ListenAsync(CancellationToken stop)
    {
        var backoff = MinBackoff;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var connection = await _dataSource.OpenConnectionAsync(stop).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    connection.Notification += (_, e) => Publish(e.Payload);
                    using (var listen = new NpgsqlCommand("LISTEN " + PostgreSqlReviewSchema.ChangeChannel + ";", connection))
                    {
                        await listen.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
                    }

                    Interlocked.Increment(ref _connections);
                    backoff = MinBackoff;

                    // Listening from here on; whatever was decided before (or while disconnected) was not heard.
                    Publish(null);
                    while (true)
                    {
                        await connection.WaitAsync(stop).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                // Not swallowed: logged, and waiters fall back to polling until the connection is back.
                LogConnectionLost(_logger, e, backoff.TotalMilliseconds);
            }

            try
            {
                await Task.Delay(backoff, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = backoff * 2 < MaxBackoff ? backoff * 2 : MaxBackoff;
        }
    }

    private void Publish(string? reviewId)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber(string.IsNullOrEmpty(reviewId) ? null : reviewId);
        }
    }

    private void Unsubscribe(Action<string?> changed)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers.Where(s => !ReferenceEquals(s, changed))];
        }
    }

    [LoggerMessage(EventId = 3420, EventName = "ReviewChangeListenerDisconnected", Level = LogLevel.Warning,
        Message = "The PostgreSQL review change listener lost its connection; reconnecting in {BackoffMilliseconds} ms. Waiting callers poll the store meanwhile.")]
    private static partial void LogConnectionLost(ILogger logger, Exception exception, double backoffMilliseconds);

    /// <summary>Removes one subscriber when disposed.</summary>
    private sealed class Subscription(PostgreSqlReviewChangeListener listener, Action<string?> changed) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                listener.Unsubscribe(changed);
            }
        }
    }
}
