using System.Diagnostics;
using System.Threading.Channels;

namespace SafeOpenAI;

/// <summary>
/// How a durable audit sink (SQLite, PostgreSQL) hands a record to its background writer: at once when
/// the bounded queue has room; when it is full, waiting for room (<see cref="AuditQueueFullMode.Wait"/>) or
/// failing with <see cref="AuditStoreFullException"/> (<see cref="AuditQueueFullMode.Fail"/>). One place, so
/// every sink applies the same back-pressure and never drops a record silently. Thread-safe.
/// </summary>
internal static class AuditWriteQueue
{
    /// <summary>Queues <paramref name="row"/> for the writer; returns once it is queued, not committed.</summary>
    /// <typeparam name="TRow">The sink's queued row.</typeparam>
    /// <param name="queue">The sink's bounded queue.</param>
    /// <param name="row">The row.</param>
    /// <param name="whenFull">What to do when the queue is full.</param>
    /// <param name="capacity">The queue's capacity in records, for the message.</param>
    /// <param name="sink">The sink, for the disposed check and the messages.</param>
    /// <param name="storeName">The store's name in the message, for example <c>SQLite</c>.</param>
    /// <param name="isDisposed">Whether the sink has been disposed.</param>
    /// <param name="cancellationToken">Cancels a wait for room.</param>
    /// <returns>A task that completes when the row is queued.</returns>
    /// <exception cref="AuditStoreFullException">The queue is full and <paramref name="whenFull"/> is <see cref="AuditQueueFullMode.Fail"/>.</exception>
    /// <exception cref="ObjectDisposedException">The sink is disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting for room.</exception>
    public static async ValueTask EnqueueAsync<TRow>(
        Channel<TRow> queue, TRow row, AuditQueueFullMode whenFull, int capacity, object sink, string storeName, Func<bool> isDisposed, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(isDisposed(), sink);
        if (queue.Writer.TryWrite(row))
        {
            return;
        }

        ObjectDisposedException.ThrowIf(isDisposed(), sink);
        if (whenFull == AuditQueueFullMode.Fail)
        {
            throw new AuditStoreFullException($"The {storeName} audit sink's write queue is full ({capacity} records waiting); the record was not stored.")
            {
                QueueCapacity = capacity,
            };
        }

        try
        {
            await queue.Writer.WriteAsync(row, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new ObjectDisposedException(sink.GetType().Name, ex);
        }
    }

    /// <summary>
    /// The background writer's loop: waits for records, takes up to <paramref name="maxBatchSize"/> of them,
    /// waits up to <paramref name="maxBatchDelay"/> for more when the queue runs dry, and hands each batch to
    /// <paramref name="commitBatch"/>, until the queue is completed and empty.
    /// </summary>
    /// <typeparam name="TRow">The sink's queued row.</typeparam>
    /// <param name="reader">The queue's reader.</param>
    /// <param name="maxBatchSize">The most rows in one batch (at least 1).</param>
    /// <param name="maxBatchDelay">How long to wait for more rows once a batch holds some; zero commits what is queued at once.</param>
    /// <param name="commitBatch">Stores one batch and completes every row's commit; must not throw (a failed row fails its own caller).</param>
    /// <returns>A task that completes when the queue is completed and every row committed.</returns>
    public static async Task RunWriterAsync<TRow>(ChannelReader<TRow> reader, int maxBatchSize, TimeSpan maxBatchDelay, Func<List<TRow>, Task> commitBatch)
    {
        var batch = new List<TRow>(maxBatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < maxBatchSize && reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            if (maxBatchDelay > TimeSpan.Zero)
            {
                await FillAsync(reader, batch, maxBatchSize, maxBatchDelay).ConfigureAwait(false);
            }

            await commitBatch(batch).ConfigureAwait(false);
            batch.Clear();
        }
    }

    private static async Task FillAsync<TRow>(ChannelReader<TRow> reader, List<TRow> batch, int maxBatchSize, TimeSpan maxBatchDelay)
    {
        var start = Stopwatch.GetTimestamp();
        while (batch.Count < maxBatchSize)
        {
            if (reader.TryRead(out var item))
            {
                batch.Add(item);
                continue;
            }

            var remaining = maxBatchDelay - Stopwatch.GetElapsedTime(start);
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            var more = reader.WaitToReadAsync().AsTask();
            if (await Task.WhenAny(more, Task.Delay(remaining)).ConfigureAwait(false) != more || !await more.ConfigureAwait(false))
            {
                return;
            }
        }
    }
}
