using Microsoft.Data.Sqlite;

namespace SafeOpenAI.Sqlite;

/// <summary>
/// The <see cref="IReviewStore"/> and <see cref="IReviewAccessLog"/> in a SQLite file shared by every
/// process of an application: the tables <c>review_items</c> and <c>review_access_log</c>, in WAL mode
/// (readers never wait for the writer), migrated on first use. The <see cref="HumanReviewQueue"/> applies
/// the rules; this store keeps records and swaps them atomically.
/// </summary>
/// <remarks>
/// <para>
/// Every operation is one statement on its own connection (Microsoft.Data.Sqlite's pool), so a write
/// holds SQLite's write lock only for that statement. A change is a compare-and-set:
/// <c>UPDATE ... WHERE review_id = $id AND version = $expected</c> changes one row or none, and of
/// several processes or threads replacing the same version exactly one succeeds.
/// </para>
/// <para>
/// Only ids, status, codes, names, counts and times are stored in the clear; the material, the released
/// answer and the note are stored as the protected text the queue hands over. As an <see cref="IDurableReviewStore"/>,
/// it makes <c>UseHumanReview()</c> require <c>SafeOpenAI:Review:MaterialKey</c>. Thread-safe and safe across processes.
/// </para>
/// </remarks>
public sealed class SqliteReviewStore : IReviewStore, IReviewAccessLog, IDurableReviewStore
{
    /// <summary>The access log of one subject in append order: served by <c>ix_review_access_log_subject</c>, whose entries end with the row id.</summary>
    internal const string ListAccessSql = "SELECT subject_id, principal, action, at_ticks FROM review_access_log WHERE subject_id = $subject ORDER BY id;";

    private readonly SqliteReviewDatabase _database;

    /// <summary>Creates the store over the file named by <paramref name="connectionString"/>; see <see cref="SqliteReviewStore(SqliteHumanReviewOptions)"/>.</summary>
    /// <param name="connectionString">The connection string, for example <c>Data Source=review.db</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is blank or names no file.</exception>
    public SqliteReviewStore(string connectionString)
        : this(new SqliteHumanReviewOptions { ConnectionString = connectionString })
    {
    }

    /// <summary>Creates the store. The file is created and migrated by the first operation, not here.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The connection string is blank, malformed, or names no file or an in-memory database.</exception>
    public SqliteReviewStore(SqliteHumanReviewOptions options)
    {
        _database = new SqliteReviewDatabase(options);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A required field of <paramref name="record"/> is empty, an enumeration value is not defined, or its version is not 1.</exception>
    /// <exception cref="SqliteException">The file cannot be written.</exception>
    public async Task AddAsync(ReviewRecord record, CancellationToken cancellationToken)
    {
        DurableStoreArguments.NewReview(record, nameof(record));

        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = SqliteReviewRows.InsertSql;
            SqliteReviewRows.Bind(command, record);
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new InvalidOperationException($"A review with id '{record.Summary.ReviewId}' already exists.");
            }
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="reviewId"/> is null or empty.</exception>
    /// <exception cref="SqliteException">The file cannot be read.</exception>
    public async Task<ReviewRecord?> GetAsync(string reviewId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reviewId);
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT " + SqliteReviewRows.SelectList + " FROM review_items WHERE review_id = $id;";
            command.Parameters.AddWithValue("$id", reviewId);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? SqliteReviewRows.Read(reader) : null;
        }
    }

    /// <inheritdoc />
    /// <remarks>Earliest deadline first, then earliest created, then by review id. Open reviews are read from an index that holds only them.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ReviewListQuery.Limit"/> is not between 1 and 10,000.</exception>
    /// <exception cref="SqliteException">The file cannot be read.</exception>
    public async Task<IReadOnlyList<ReviewRecord>> ListAsync(ReviewListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        SqliteListLimit.Check(query.Limit, nameof(ReviewListQuery), nameof(query));
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            SqliteReviewRows.PrepareList(command, query);
            var records = new List<ReviewRecord>();
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                records.Add(SqliteReviewRows.Read(reader));
            }

            return records;
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="updated"/> is null.</exception>
    /// <exception cref="SqliteException">The file cannot be written.</exception>
    public async Task<bool> TryReplaceAsync(ReviewRecord updated, long expectedVersion, CancellationToken cancellationToken)
    {
        DurableStoreArguments.ReviewReplacement(updated, expectedVersion, nameof(updated));

        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = SqliteReviewRows.ReplaceSql;
            SqliteReviewRows.Bind(command, updated);
            command.Parameters.AddWithValue("$expected", expectedVersion);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The entry's subject id or principal is empty, or its action is not defined.</exception>
    /// <exception cref="SqliteException">The file cannot be written: the entry is not stored, and the caller must not show what it records.</exception>
    public async Task AppendAsync(ReviewAccessEntry entry, CancellationToken cancellationToken)
    {
        DurableStoreArguments.AccessEntry(entry, nameof(entry));

        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO review_access_log (subject_id, principal, action, at_ticks) VALUES ($subject, $principal, $action, $at);";
            command.Parameters.AddWithValue("$subject", entry.SubjectId);
            command.Parameters.AddWithValue("$principal", entry.Principal);
            command.Parameters.AddWithValue("$action", (int)entry.Action);
            command.Parameters.AddWithValue("$at", entry.At.UtcTicks);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// In the order the entries were appended (committed), whichever process appended them: the order in
    /// which the reads and decisions happened, even when the clocks of two processes disagree.
    /// </remarks>
    /// <exception cref="SqliteException">The file cannot be read.</exception>
    public async Task<IReadOnlyList<ReviewAccessEntry>> ListAsync(string subjectId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = ListAccessSql;
            command.Parameters.AddWithValue("$subject", subjectId);
            var entries = new List<ReviewAccessEntry>();
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                entries.Add(new ReviewAccessEntry(reader.GetString(0), reader.GetString(1), (ReviewAccessAction)reader.GetInt32(2), SqliteValues.Time(reader, 3)));
            }

            return entries;
        }
    }
}
