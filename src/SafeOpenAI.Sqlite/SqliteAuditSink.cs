using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace SafeOpenAI.Sqlite;

/// <summary>
/// An <see cref="IAuditSink"/> that stores every <see cref="AuditRecord"/> in a SQLite file:
/// WAL mode, versioned schema (migrated when opened), and one background writer that commits the
/// queued records in batches (up to <see cref="SqliteAuditOptions.MaxBatchSize"/> per transaction).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="WriteAsync"/> completes only after the transaction holding the record has committed:
/// a call that returned to its caller has its record in the file, even if the process is killed
/// the next moment (with <c>synchronous=NORMAL</c>, the default, an operating system crash or power
/// loss can still lose the last commits; see <see cref="SqliteAuditOptions.SyncEveryCommit"/>).
/// </para>
/// <para>
/// The queue is bounded (<see cref="SqliteAuditOptions.QueueCapacity"/>). When it is full a write
/// waits (<see cref="AuditQueueFullMode.Wait"/>) or throws <see cref="AuditStoreFullException"/>
/// (<see cref="AuditQueueFullMode.Fail"/>); a record is never dropped silently. When a batch fails
/// (for example a duplicate audit id), its records are retried one per transaction, so only the
/// offending write fails, with the <see cref="SqliteException"/>.
/// </para>
/// <para>
/// WAL checkpoints run on a second connection in the background; the writer finishes one (copying the
/// last few commits and starting the WAL over) after its next commit, and checkpoints itself when the
/// WAL reaches 256 MiB. Checkpoints change nothing in what a crash keeps.
/// </para>
/// <para>
/// Dispose flushes: every queued record is committed before <see cref="DisposeAsync"/> returns;
/// writes after that throw <see cref="ObjectDisposedException"/>. Registered with
/// <c>UseSqliteAudit</c>, the container disposes the sink when the host stops. Thread-safe.
/// </para>
/// </remarks>
public sealed class SqliteAuditSink : IAuditSink, IAsyncDisposable, IDisposable
{
    private readonly Channel<SqliteAuditRow> _queue;
    private readonly SqliteConnection _connection;
    private readonly SqliteAuditStatements _statements;
    private readonly SqliteAuditCheckpointer _checkpointer;
    private readonly AuditQueueFullMode _whenFull;
    private readonly int _capacity;
    private readonly int _maxBatchSize;
    private readonly TimeSpan _maxBatchDelay;
    private readonly Task _writer;
    private int _disposed;
    private long _transactions;

    /// <summary>Opens (or creates) the database, migrates its schema and starts the writer.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range, or the connection string names no file.</exception>
    /// <exception cref="SqliteException">The file cannot be opened or migrated (for example it is not a database); the message names the file, the error codes are SQLite's.</exception>
    /// <exception cref="NotSupportedException">The file has a newer schema version than this library knows.</exception>
    public SqliteAuditSink(SqliteAuditOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ConnectionString, nameof(options));
        if (options.QueueCapacity < 1 || options.MaxBatchSize < 1)
        {
            throw new ArgumentException("QueueCapacity and MaxBatchSize must be at least 1.", nameof(options));
        }

        if (options.MaxBatchDelay < TimeSpan.Zero || options.MaxBatchDelay > TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException("MaxBatchDelay must be between zero and 1 second.", nameof(options));
        }

        _whenFull = options.WhenFull;
        _capacity = options.QueueCapacity;
        _maxBatchSize = options.MaxBatchSize;
        _maxBatchDelay = options.MaxBatchDelay;
        try
        {
            _connection = SqliteAuditSchema.Open(options.ConnectionString);
        }
        catch (SqliteException ex)
        {
            throw NamingTheFile(ex, options.ConnectionString);
        }

        try
        {
            SqliteAuditSchema.Migrate(_connection, options.SyncEveryCommit);
            if (options.MaxPageCount is int maxPages)
            {
                SqliteMigrator.Execute(_connection, FormattableString.Invariant($"PRAGMA max_page_count={maxPages};"));
            }

            _statements = new SqliteAuditStatements(_connection);
            _checkpointer = new SqliteAuditCheckpointer(options.ConnectionString, options.WalCheckpointPages, options.MaxWalPages);
        }
        catch (SqliteException ex)
        {
            _connection.Dispose();
            throw NamingTheFile(ex, options.ConnectionString);
        }
        catch
        {
            _connection.Dispose();
            throw;
        }

        _queue = Channel.CreateBounded<SqliteAuditRow>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writer = Task.Run(() => AuditWriteQueue.RunWriterAsync(_queue.Reader, _maxBatchSize, _maxBatchDelay, batch =>
        {
            CommitBatch(batch);
            return Task.CompletedTask;
        }));
    }

    /// <summary>Queues the record and completes when the transaction holding it has committed.</summary>
    /// <param name="record">The record.</param>
    /// <param name="cancellationToken">Stops waiting (for room in the queue, or for the commit). A record already queued is still stored.</param>
    /// <returns>A task that completes when the record is durable in the file.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    /// <exception cref="AuditStoreFullException">The queue is full and <see cref="SqliteAuditOptions.WhenFull"/> is <see cref="AuditQueueFullMode.Fail"/>.</exception>
    /// <exception cref="ObjectDisposedException">The sink is disposed.</exception>
    /// <exception cref="SqliteException">The record could not be stored (for example its audit id is already in the file).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask WriteAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var pending = new SqliteAuditRow(record);
        await AuditWriteQueue.EnqueueAsync(_queue, pending, _whenFull, _capacity, this, "SQLite", () => Volatile.Read(ref _disposed) != 0, cancellationToken).ConfigureAwait(false);
        await pending.Committed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops accepting records, commits every queued one and closes the file. Safe to call more than once.</summary>
    /// <returns>A task that completes when the queue is flushed and the file closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await _writer.ConfigureAwait(false);
            return;
        }

        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        await _checkpointer.DisposeAsync().ConfigureAwait(false);
        _statements.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Flushes and closes synchronously (for containers that dispose synchronously); see <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    // SQLite's messages do not say which file failed; an application may use several (audit, reviews).
    private static SqliteException NamingTheFile(SqliteException error, string connectionString) =>
        new($"The audit database '{new SqliteConnectionStringBuilder(connectionString).DataSource}' cannot be opened or migrated: {error.Message}", error.SqliteErrorCode, error.SqliteExtendedErrorCode);

    private void CommitBatch(List<SqliteAuditRow> batch)
    {
        try
        {
            Commit(batch);
        }
        catch (Exception) when (batch.Count > 1)
        {
            // One bad record must not fail its neighbours: retry each on its own.
            foreach (var pending in batch)
            {
                CommitBatch([pending]);
            }

            return;
        }
        catch (Exception ex)
        {
            batch[0].Committed.TrySetException(ex);
            return;
        }

        foreach (var pending in batch)
        {
            pending.Committed.TrySetResult();
        }

        // After the callers are released: the writer finishes a background checkpoint (or, past the WAL's
        // hard limit, makes one) before its next batch.
        if (_checkpointer.AfterCommit(_statements.TakePagesWritten()))
        {
            if (_statements.CheckpointAndRestart())
            {
                _checkpointer.Restarted();
            }
            else
            {
                _checkpointer.RestartFailed();
            }
        }
    }

    private void Commit(List<SqliteAuditRow> batch)
    {
        _statements.Commit(batch);
        Interlocked.Increment(ref _transactions);
    }

    /// <summary>Gets how many transactions the writer has committed (for tests and benchmarks of the batching).</summary>
    internal long CommittedTransactions => Interlocked.Read(ref _transactions);
}
