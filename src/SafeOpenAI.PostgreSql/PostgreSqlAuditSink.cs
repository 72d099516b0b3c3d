using System.Diagnostics;
using System.Threading.Channels;
using Npgsql;

namespace SafeOpenAI.PostgreSql;

/// <summary>
/// An <see cref="IAuditSink"/> that stores every <see cref="AuditRecord"/> in the shared PostgreSQL
/// database: a bounded queue per instance and one background writer that commits the queued records in
/// batches, each batch one binary <c>COPY</c> (https://www.postgresql.org/docs/current/sql-copy.html) in one
/// transaction (up to <see cref="PostgreSqlAuditOptions.MaxBatchSize"/> records). Registered by
/// <c>UsePostgreSqlStore</c> and resolved from the container.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="WriteAsync"/> completes only after the transaction holding the record has committed on the
/// server (durable as the server's <c>synchronous_commit</c> setting makes it). When the queue is full a
/// write waits (<see cref="AuditQueueFullMode.Wait"/>) or throws <see cref="AuditStoreFullException"/>
/// (<see cref="AuditQueueFullMode.Fail"/>); a record is never dropped silently.
/// </para>
/// <para>
/// When the server rejects a batch for its data (a constraint or data error, for example an audit id
/// already stored), the batch's records are retried one <c>INSERT</c> each, so only the offending write fails,
/// with the <see cref="PostgresException"/>. When the server cannot be reached (or the connection breaks),
/// every write of the batch fails with the <see cref="NpgsqlException"/>: the pipeline fails those calls, and
/// the writer goes on with later records, which land once the server is back.
/// </para>
/// <para>
/// Dispose flushes: every queued record is written (or its write failed) before <see cref="DisposeAsync"/>
/// returns; writes after that throw <see cref="ObjectDisposedException"/>. The container disposes the sink
/// before the shared data source. Thread-safe.
/// </para>
/// </remarks>
public sealed class PostgreSqlAuditSink : IAuditSink, IAsyncDisposable
{
    private readonly PostgreSqlDatabase _database;
    private readonly Channel<PostgreSqlAuditRow> _queue;
    private readonly AuditQueueFullMode _whenFull;
    private readonly int _capacity;
    private readonly int _maxBatchSize;
    private readonly TimeSpan _maxBatchDelay;
    private readonly Task _writer;
    private int _disposed;
    private long _transactions;

    /// <summary>Creates the sink over the shared database and starts its writer; the schema is migrated by the first batch.</summary>
    /// <param name="database">The shared data source; not disposed by the sink.</param>
    /// <param name="options">Validated options.</param>
    internal PostgreSqlAuditSink(PostgreSqlDatabase database, PostgreSqlAuditOptions options)
    {
        options.Validate(nameof(options));
        _database = database;
        _whenFull = options.WhenFull;
        _capacity = options.QueueCapacity;
        _maxBatchSize = options.MaxBatchSize;
        _maxBatchDelay = options.MaxBatchDelay;
        _queue = Channel.CreateBounded<PostgreSqlAuditRow>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writer = Task.Run(() => AuditWriteQueue.RunWriterAsync(_queue.Reader, _maxBatchSize, _maxBatchDelay, CommitBatchAsync));
    }

    /// <summary>Gets how many transactions the writer has committed (for tests and benchmarks of the batching).</summary>
    internal long CommittedTransactions => Interlocked.Read(ref _transactions);

    /// <summary>Queues the record and completes when the transaction holding it has committed.</summary>
    /// <param name="record">The record.</param>
    /// <param name="cancellationToken">Stops waiting (for room in the queue, or for the commit). A record already queued is still stored.</param>
    /// <returns>A task that completes when the record is committed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    /// <exception cref="AuditStoreFullException">The queue is full and <see cref="PostgreSqlAuditOptions.WhenFull"/> is <see cref="AuditQueueFullMode.Fail"/>.</exception>
    /// <exception cref="ObjectDisposedException">The sink is disposed.</exception>
    /// <exception cref="PostgresException">The server refused the record (for example its audit id is already stored, or a text holds a NUL character).</exception>
    /// <exception cref="NpgsqlException">The server could not be reached or the connection broke; the record was not stored.</exception>
    /// <exception cref="NotSupportedException">The database has a newer audit schema than this library knows.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask WriteAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var pending = new PostgreSqlAuditRow(record);
        await AuditWriteQueue.EnqueueAsync(_queue, pending, _whenFull, _capacity, this, "PostgreSQL", () => Volatile.Read(ref _disposed) != 0, cancellationToken).ConfigureAwait(false);
        await pending.Committed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops accepting records and writes every queued one. Safe to call more than once; does not close the shared data source.</summary>
    /// <returns>A task that completes when the queue is flushed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _queue.Writer.TryComplete();
        }

        await _writer.ConfigureAwait(false);
    }

    private async Task CommitBatchAsync(List<PostgreSqlAuditRow> batch)
    {
        try
        {
            if (batch.Count == 1)
            {
                await InsertAsync(batch[0]).ConfigureAwait(false);
            }
            else
            {
                await CopyAsync(batch).ConfigureAwait(false);
            }
        }
        catch (PostgresException ex) when (batch.Count > 1 && IsAboutTheData(ex))
        {
            // One bad record must not fail its neighbours: retry each on its own, so each caller gets its own outcome.
            foreach (var pending in batch)
            {
                await CommitBatchAsync([pending]).ConfigureAwait(false);
            }

            return;
        }
        catch (Exception ex)
        {
            // Unreachable server, broken connection, newer schema: no record of the batch is stored and
            // every caller hears why; the writer goes on with the next batch.
            if (ex is NpgsqlException and not PostgresException || ex is PostgresException pg && !IsAboutTheData(pg))
            {
                // The server may have restarted: idle pooled connections are dead too, and the next batch
                // must not be failed by one of them.
                _database.DataSource.Clear();
            }

            foreach (var pending in batch)
            {
                pending.Committed.TrySetException(ex);
            }

            return;
        }

        Interlocked.Increment(ref _transactions);
        foreach (var pending in batch)
        {
            pending.Committed.TrySetResult();
        }
    }

    private async Task CopyAsync(List<PostgreSqlAuditRow> batch)
    {
        var connection = await _database.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var importer = await connection.BeginBinaryImportAsync(PostgreSqlAuditColumns.CopySql).ConfigureAwait(false);
                await using (importer.ConfigureAwait(false))
                {
                    foreach (var pending in batch)
                    {
                        await PostgreSqlAuditColumns.WriteRowAsync(importer, pending, CancellationToken.None).ConfigureAwait(false);
                    }

                    await importer.CompleteAsync().ConfigureAwait(false);
                }

                await transaction.CommitAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task InsertAsync(PostgreSqlAuditRow pending)
    {
        var connection = await _database.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // One statement outside an explicit transaction commits on its own.
            var command = new NpgsqlCommand(PostgreSqlAuditColumns.InsertSql, connection);
            await using (command.ConfigureAwait(false))
            {
                PostgreSqlAuditColumns.AddParameters(command.Parameters, pending);
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Tells a rejection of the rows (class 22 data exception, class 23 integrity constraint violation;
    /// https://www.postgresql.org/docs/current/errcodes-appendix.html) from a failure of the server or connection.
    /// </summary>
    private static bool IsAboutTheData(PostgresException ex) =>
        ex.SqlState.StartsWith("22", StringComparison.Ordinal) || ex.SqlState.StartsWith("23", StringComparison.Ordinal);
}
