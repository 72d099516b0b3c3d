using Microsoft.Data.Sqlite;

namespace SafeOpenAI.Sqlite;

/// <summary>
/// The <see cref="IFeedbackStore"/> in a SQLite file shared by every process of an application: the table
/// <c>feedback_reports</c>, in WAL mode, migrated on first use (with the review tables; the file may be the
/// audit file, so reviewers triage a report next to the call's audit record). The <see cref="FeedbackInbox"/>
/// applies the rules; this store keeps entries and swaps them atomically.
/// </summary>
/// <remarks>
/// Every operation is one statement on its own connection (Microsoft.Data.Sqlite's pool). A change is a
/// compare-and-set, <c>UPDATE ... WHERE report_id = $id AND version = $expected</c>: of several processes
/// or threads replacing the same version exactly one succeeds. The comment and the triage note are stored
/// as the protected text the inbox hands over; ids, category, status, names and times are in the clear.
/// As an <see cref="IDurableReviewStore"/>, it makes <c>UseHumanReview()</c> require <c>SafeOpenAI:Review:MaterialKey</c>.
/// Thread-safe and safe across processes.
/// </remarks>
public sealed class SqliteFeedbackStore : IFeedbackStore, IDurableReviewStore
{
    private readonly SqliteReviewDatabase _database;

    /// <summary>Creates the store over the file named by <paramref name="connectionString"/>; see <see cref="SqliteFeedbackStore(SqliteHumanReviewOptions)"/>.</summary>
    /// <param name="connectionString">The connection string, for example <c>Data Source=review.db</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is blank or names no file.</exception>
    public SqliteFeedbackStore(string connectionString)
        : this(new SqliteHumanReviewOptions { ConnectionString = connectionString })
    {
    }

    /// <summary>Creates the store. The file is created and migrated by the first operation, not here.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The connection string is blank, malformed, or names no file or an in-memory database.</exception>
    public SqliteFeedbackStore(SqliteHumanReviewOptions options)
    {
        _database = new SqliteReviewDatabase(options);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The entry's report id or audit id is empty, an enumeration value is not defined, or its version is not 1.</exception>
    /// <exception cref="SqliteException">The file cannot be written.</exception>
    public async Task AddAsync(FeedbackEntry entry, CancellationToken cancellationToken)
    {
        DurableStoreArguments.NewFeedback(entry, nameof(entry));

        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = SqliteFeedbackRows.InsertSql;
            SqliteFeedbackRows.Bind(command, entry);
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new InvalidOperationException($"A feedback report with id '{entry.ReportId}' already exists.");
            }
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="reportId"/> is null or empty.</exception>
    /// <exception cref="SqliteException">The file cannot be read.</exception>
    public async Task<FeedbackEntry?> GetAsync(string reportId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reportId);
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT " + SqliteFeedbackRows.SelectList + " FROM feedback_reports WHERE report_id = $id;";
            command.Parameters.AddWithValue("$id", reportId);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? SqliteFeedbackRows.Read(reader) : null;
        }
    }

    /// <inheritdoc />
    /// <remarks>Newest first by <see cref="FeedbackEntry.ReceivedAt"/>; reports received at the same instant in reverse order of arrival.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="FeedbackQuery.Limit"/> is not between 1 and 10,000.</exception>
    /// <exception cref="SqliteException">The file cannot be read.</exception>
    public async Task<IReadOnlyList<FeedbackEntry>> ListAsync(FeedbackQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        SqliteListLimit.Check(query.Limit, nameof(FeedbackQuery), nameof(query));
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            SqliteFeedbackRows.PrepareList(command, query);
            var entries = new List<FeedbackEntry>();
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                entries.Add(SqliteFeedbackRows.Read(reader));
            }

            return entries;
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="updated"/> is null.</exception>
    /// <exception cref="SqliteException">The file cannot be written.</exception>
    public async Task<bool> TryReplaceAsync(FeedbackEntry updated, long expectedVersion, CancellationToken cancellationToken)
    {
        DurableStoreArguments.FeedbackReplacement(updated, expectedVersion, nameof(updated));

        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = SqliteFeedbackRows.ReplaceSql;
            SqliteFeedbackRows.Bind(command, updated);
            command.Parameters.AddWithValue("$expected", expectedVersion);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }
}
