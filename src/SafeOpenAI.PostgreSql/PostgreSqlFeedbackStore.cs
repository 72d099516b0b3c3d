using Npgsql;

namespace SafeOpenAI.PostgreSql;

/// <summary>
/// The <see cref="IFeedbackStore"/> in a PostgreSQL database shared by every instance of an application: the
/// table <c>safeopenai.feedback_reports</c>, migrated on first use with the review tables. The
/// <see cref="FeedbackInbox"/> applies the rules; this store keeps entries and swaps them atomically.
/// </summary>
/// <remarks>
/// Every operation is one statement on a pooled connection. A change is a compare-and-set,
/// <c>UPDATE ... WHERE report_id = $1 AND version = $12</c>: of several instances or threads replacing the same
/// version exactly one succeeds. The comment and the triage note are stored as the protected text the inbox hands
/// over; ids, category, status, names and times are in the clear. As an <see cref="IDurableReviewStore"/>, it makes
/// <c>UseHumanReview()</c> require <c>SafeOpenAI:Review:MaterialKey</c>. Thread-safe and safe across instances.
/// </remarks>
public sealed class PostgreSqlFeedbackStore : IFeedbackStore, IDurableReviewStore, IAsyncDisposable, IDisposable
{
    private readonly PostgreSqlDatabase _database;
    private readonly bool _ownsDatabase;

    /// <summary>
    /// Creates the store over its own Npgsql data source (connection pool), disposed with the store. The schema is
    /// created and migrated by the first operation, not here. In an application, prefer <c>UsePostgreSqlStore</c>,
    /// whose stores share one data source.
    /// </summary>
    /// <param name="connectionString">The Npgsql connection string, for example <c>Host=db;Database=app;Username=app;Password=...</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is blank, malformed, or names no host (the message never repeats the string).</exception>
    public PostgreSqlFeedbackStore(string connectionString)
        : this(PostgreSqlReviewStore.CreateDatabase(connectionString), ownsDatabase: true)
    {
    }

    /// <summary>Creates the store over a data source shared with the other stores of a container, which disposes it.</summary>
    internal PostgreSqlFeedbackStore(PostgreSqlDatabase database, bool ownsDatabase)
    {
        _database = database;
        _ownsDatabase = ownsDatabase;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The entry's report id or audit id is empty, an enumeration value is not defined, or its version is not 1.</exception>
    /// <exception cref="InvalidOperationException">A report with the same id exists.</exception>
    /// <exception cref="NpgsqlException">The server cannot be reached or refused the write.</exception>
    public async Task AddAsync(FeedbackEntry entry, CancellationToken cancellationToken)
    {
        DurableStoreArguments.NewFeedback(entry, nameof(entry));

        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand(PostgreSqlFeedbackRows.InsertSql, connection);
            PostgreSqlFeedbackRows.Bind(command, entry);
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new InvalidOperationException($"A feedback report with id '{entry.ReportId}' already exists.");
            }
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="reportId"/> is null or empty.</exception>
    /// <exception cref="NpgsqlException">The server cannot be reached or refused the read.</exception>
    public async Task<FeedbackEntry?> GetAsync(string reportId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reportId);
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand("SELECT " + PostgreSqlFeedbackRows.SelectList + " FROM safeopenai.feedback_reports WHERE report_id = $1;", connection);
            PostgreSqlValues.Text(command, reportId);
            var entries = await ReadEntriesAsync(command, cancellationToken).ConfigureAwait(false);
            return entries.Count == 0 ? null : entries[0];
        }
    }

    /// <inheritdoc />
    /// <remarks>Newest first by <see cref="FeedbackEntry.ReceivedAt"/>; reports received at the same instant in reverse order of arrival.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="FeedbackQuery.Limit"/> is not between 1 and 10,000.</exception>
    /// <exception cref="NpgsqlException">The server cannot be reached or refused the read.</exception>
    public async Task<IReadOnlyList<FeedbackEntry>> ListAsync(FeedbackQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        PostgreSqlListLimit.Check(query.Limit, nameof(FeedbackQuery), nameof(query));
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand { Connection = connection };
            PostgreSqlFeedbackRows.PrepareList(command, query);
            return await ReadEntriesAsync(command, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="updated"/> is null.</exception>
    /// <exception cref="ArgumentException">The report id or audit id is empty, an enumeration value is not defined, or the version is not <paramref name="expectedVersion"/> + 1.</exception>
    /// <exception cref="NpgsqlException">The server cannot be reached or refused the write.</exception>
    public async Task<bool> TryReplaceAsync(FeedbackEntry updated, long expectedVersion, CancellationToken cancellationToken)
    {
        DurableStoreArguments.FeedbackReplacement(updated, expectedVersion, nameof(updated));

        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand(PostgreSqlFeedbackRows.ReplaceSql, connection);
            PostgreSqlFeedbackRows.Bind(command, updated);
            PostgreSqlValues.Bigint(command, expectedVersion);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    /// <summary>Closes the data source when the store created its own; a shared one is left to the container.</summary>
    /// <returns>A task that completes when the connections are closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_ownsDatabase)
        {
            await _database.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Closes the data source when the store created its own; blocks until closed.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static async Task<IReadOnlyList<FeedbackEntry>> ReadEntriesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var entries = new List<FeedbackEntry>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                entries.Add(PostgreSqlFeedbackRows.Read(reader));
            }
        }

        return entries;
    }
}
