using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace SafeOpenAI.PostgreSql;

/// <summary>
/// The <see cref="IReviewStore"/> and <see cref="IReviewAccessLog"/> in a PostgreSQL database shared by every
/// instance of an application: the tables <c>safeopenai.review_items</c> and <c>safeopenai.review_access_log</c>,
/// migrated on first use. The <see cref="HumanReviewQueue"/> applies the rules; this store keeps records, swaps
/// them atomically, claims the next review in one statement (<see cref="IReviewClaimStore"/>) and tells every
/// instance when a review is decided (<see cref="IReviewChangeNotifier"/>).
/// </summary>
/// <remarks>
/// <para>
/// Every operation is one statement on a pooled connection. A change is a compare-and-set:
/// <c>UPDATE ... WHERE review_id = $1 AND version = $20</c> changes one row or none, and of several instances or
/// threads replacing the same version exactly one succeeds. The next review is claimed with
/// <c>UPDATE ... WHERE review_id = (SELECT ... FOR UPDATE SKIP LOCKED)</c>
/// (https://www.postgresql.org/docs/current/sql-select.html#SQL-FOR-UPDATE-SHARE), so reviewers on many
/// instances never wait on, nor take, the same review.
/// </para>
/// <para>
/// A trigger sends the id of a decided or escalated review with <c>pg_notify</c> in the deciding transaction
/// (https://www.postgresql.org/docs/current/sql-notify.html); the store listens on one dedicated, unpooled
/// connection, reconnects with backoff after a loss, and then wakes every waiter, since notices may have been
/// missed. Disposing the store stops listening.
/// </para>
/// <para>
/// Only ids, status, codes, names, counts and times are stored in the clear; the material, the released answer
/// and the note are stored as the protected text the queue hands over. As an <see cref="IDurableReviewStore"/>, it
/// makes <c>UseHumanReview()</c> require <c>SafeOpenAI:Review:MaterialKey</c>. Thread-safe and safe across instances.
/// </para>
/// </remarks>
public sealed class PostgreSqlReviewStore : IReviewStore, IReviewAccessLog, IReviewClaimStore, IReviewChangeNotifier, IDurableReviewStore, IAsyncDisposable, IDisposable
{
    private readonly PostgreSqlDatabase _database;
    private readonly bool _ownsDatabase;
    private readonly PostgreSqlReviewChangeListener _listener;

    /// <summary>
    /// Creates the store over its own Npgsql data source (connection pool), disposed with the store. The schema is
    /// created and migrated by the first operation, not here. In an application, prefer <c>UsePostgreSqlStore</c>,
    /// whose stores share one data source.
    /// </summary>
    /// <param name="connectionString">The Npgsql connection string, for example <c>Host=db;Database=app;Username=app;Password=...</c>.</param>
    /// <param name="loggerFactory">Logs the change listener's connection losses, or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is blank, malformed, or names no host (the message never repeats the string).</exception>
    public PostgreSqlReviewStore(string connectionString, ILoggerFactory? loggerFactory = null)
        : this(CreateDatabase(connectionString), connectionString, loggerFactory, ownsDatabase: true)
    {
    }

    /// <summary>Creates the store over a data source shared with the other stores of a container, which disposes it.</summary>
    internal PostgreSqlReviewStore(PostgreSqlDatabase database, string connectionString, ILoggerFactory? loggerFactory, bool ownsDatabase)
    {
        _database = database;
        _ownsDatabase = ownsDatabase;
        _listener = new PostgreSqlReviewChangeListener(connectionString, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("SafeOpenAI.Review.PostgreSql"));
    }

    /// <summary>Gets the change listener, for tests.</summary>
    internal PostgreSqlReviewChangeListener Listener => _listener;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A required field of <paramref name="record"/> is empty, an enumeration value is not defined, or its version is not 1.</exception>
    /// <exception cref="InvalidOperationException">A review with the same id exists.</exception>
    /// <exception cref="NpgsqlException">The server cannot be reached or refused the write.</exception>
    public async Task AddAsync(ReviewRecord record, CancellationToken cancellationToken)
    {
        DurableStoreArguments.NewReview(record, nameof(record));

        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand(PostgreSqlReviewRows.InsertSql, connection);
            PostgreSqlReviewRows.Bind(command, record);
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new InvalidOperationException($"A review with id '{record.Summary.ReviewId}' already exists.");
            }
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="reviewId"/> is null or empty.</exception>
    /// <exception cref="NpgsqlException">The server cannot be reached or refused the read.</exception>
    public async Task<ReviewRecord?> GetAsync(string reviewId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reviewId);
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand("SELECT " + PostgreSqlReviewRows.SelectList + " FROM safeopenai.review_items WHERE review_id = $1;", connection);
            PostgreSqlValues.Text(command, reviewId);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? PostgreSqlReviewRows.Read(reader) : null;
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>Earliest deadline first, then earliest created, then by review id. Open reviews are read from an index that holds only them.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ReviewListQuery.Limit"/> is not between 1 and 10,000.</exception>
    /// <exception cref="NpgsqlException">The server cannot be reached or refused the read.</exception>
    public async Task<IReadOnlyList<ReviewRecord>> ListAsync(ReviewListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        PostgreSqlListLimit.Check(query.Limit, nameof(ReviewListQuery), nameof(query));
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand { Connection = connection };
            PostgreSqlReviewRows.PrepareList(command, query);
            return await ReadRecordsAsync(command, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="updated"/> is null.</exception>
    /// <exception cref="ArgumentException">A required field is empty, an enumeration value is not defined, or the version is not <paramref name="expectedVersion"/> + 1.</exception>
    /// <exception cref="NpgsqlException">The server cannot be reached or refused the write.</exception>
    public async Task<bool> TryReplaceAsync(ReviewRecord updated, long expectedVersion, CancellationToken cancellationToken)
    {
        DurableStoreArguments.ReviewReplacement(updated, expectedVersion, nameof(updated));

        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand(PostgreSqlReviewRows.ReplaceSql, connection);
            PostgreSqlReviewRows.Bind(command, updated);
            PostgreSqlValues.Bigint(command, expectedVersion);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    /// <inheritdoc />
    /// <remarks>One statement: the first claimable candidate that no other transaction has locked is locked, rechecked and claimed (<c>FOR UPDATE SKIP LOCKED</c>).</remarks>
    /// <exception cref="NpgsqlException">The server cannot be reached or refused the claim.</exception>
    public async Task<ReviewRecord?> TryClaimNextAsync(ReviewListQuery query, string reviewer, DateTimeOffset now, DateTimeOffset claimExpiresAt, IReadOnlyCollection<string> excluded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentException.ThrowIfNullOrEmpty(reviewer);
        ArgumentNullException.ThrowIfNull(excluded);
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand { Connection = connection };
            PostgreSqlReviewRows.PrepareClaimNext(command, query, reviewer, now, claimExpiresAt, excluded);
            var claimed = await ReadRecordsAsync(command, cancellationToken).ConfigureAwait(false);
            return claimed.Count == 0 ? null : claimed[0];
        }
    }

    /// <inheritdoc />
    /// <remarks>The first subscription opens the dedicated listening connection (in the background: the call does not wait for it).</remarks>
    public IDisposable Subscribe(Action<string?> changed) => _listener.Subscribe(changed);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The entry's subject id or principal is empty, or its action is not defined.</exception>
    /// <exception cref="NpgsqlException">The server cannot be reached or refused the write: the entry is not stored, and the caller must not show what it records.</exception>
    public async Task AppendAsync(ReviewAccessEntry entry, CancellationToken cancellationToken)
    {
        DurableStoreArguments.AccessEntry(entry, nameof(entry));

        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand("INSERT INTO safeopenai.review_access_log (subject_id, principal, action, at_ticks) VALUES ($1, $2, $3, $4);", connection);
            PostgreSqlValues.Text(command, entry.SubjectId);
            PostgreSqlValues.Text(command, entry.Principal);
            PostgreSqlValues.Integer(command, (int)entry.Action);
            PostgreSqlValues.Ticks(command, entry.At);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <remarks>In the order the entries were appended (the identity column), whichever instance appended them: the order in which the reads and decisions happened, even when the clocks of two instances disagree.</remarks>
    /// <exception cref="NpgsqlException">The server cannot be reached or refused the read.</exception>
    public async Task<IReadOnlyList<ReviewAccessEntry>> ListAsync(string subjectId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand("SELECT subject_id, principal, action, at_ticks FROM safeopenai.review_access_log WHERE subject_id = $1 ORDER BY id;", connection);
            PostgreSqlValues.Text(command, subjectId);
            var entries = new List<ReviewAccessEntry>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    entries.Add(new ReviewAccessEntry(reader.GetString(0), reader.GetString(1), (ReviewAccessAction)reader.GetInt32(2), PostgreSqlValues.Time(reader, 3)));
                }
            }

            return entries;
        }
    }

    /// <summary>Stops listening for changes and, when the store created its own data source, closes it.</summary>
    /// <returns>A task that completes when the connections are closed.</returns>
    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync().ConfigureAwait(false);
        if (_ownsDatabase)
        {
            await _database.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops listening for changes and, when the store created its own data source, closes it; blocks until closed.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    internal static PostgreSqlDatabase CreateDatabase(string connectionString) =>
        new(NpgsqlDataSource.Create(PostgreSqlConnectionStrings.Validate(connectionString, nameof(connectionString))), [PostgreSqlReviewSchema.Part]);

    private static async Task<IReadOnlyList<ReviewRecord>> ReadRecordsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var records = new List<ReviewRecord>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                records.Add(PostgreSqlReviewRows.Read(reader));
            }
        }

        return records;
    }
}
