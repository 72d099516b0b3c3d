using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace SafeOpenAI.PostgreSql;

/// <summary>
/// Reads the audit records <see cref="PostgreSqlAuditSink"/> stored, from any instance: the incident-response
/// view by user, time range, verdict code, review id and flagged calls, newest first, each served by an index
/// (see <c>docs/postgresql.md</c>). As the <see cref="IAuditRecordReader"/>, it lets reviewers triage a feedback
/// report next to the call's record. Registered by <c>UsePostgreSqlStore</c> and resolved from the container. Thread-safe.
/// </summary>
public sealed class PostgreSqlAuditStore : IAuditRecordReader
{
    private readonly PostgreSqlDatabase _database;

    /// <summary>Creates the store over the shared database.</summary>
    /// <param name="database">The shared data source; not disposed by the store.</param>
    internal PostgreSqlAuditStore(PostgreSqlDatabase database) => _database = database;

    /// <summary>Returns the records matching <paramref name="query"/>, newest first (by call start, then audit id).</summary>
    /// <param name="query">The filter; its meaning is the same as for <c>SqliteAuditStore</c>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>At most <see cref="AuditQuery.Limit"/> records.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="AuditQuery.Limit"/> is not between 1 and <see cref="AuditQuery.MaxLimit"/>.</exception>
    /// <exception cref="NpgsqlException">The server cannot be reached or refused the query.</exception>
    public async Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, AuditQuery.MaxLimit, nameof(query));
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                var sql = new StringBuilder("SELECT ").Append(PostgreSqlAuditColumns.SelectList).Append(" FROM safeopenai.audit_records WHERE true");
                if (query.SafetyIdentifier is { } user)
                {
                    sql.Append(" AND safety_identifier = ").Append(Add(command, user, NpgsqlDbType.Text));
                }

                if (query.ReviewId is { } review)
                {
                    sql.Append(" AND review_id = ").Append(Add(command, review, NpgsqlDbType.Text));
                }

                if (query.Since is { } since)
                {
                    sql.Append(" AND timestamp_ticks >= ").Append(Add(command, since.UtcTicks, NpgsqlDbType.Bigint));
                }

                if (query.Until is { } until)
                {
                    sql.Append(" AND timestamp_ticks < ").Append(Add(command, until.UtcTicks, NpgsqlDbType.Bigint));
                }

                if (query.FlaggedOnly)
                {
                    // Spelled as in the partial index's predicate, so the planner can use it.
                    sql.Append(" AND outcome IN (").Append((int)AuditOutcome.Blocked).Append(", ").Append((int)AuditOutcome.PendingReview).Append(')');
                }

                if (!string.IsNullOrEmpty(query.VerdictCode))
                {
                    // verdict_keys holds every code and code family of the record: one GIN containment lookup.
                    sql.Append(" AND verdict_keys @> ").Append(Add(command, new[] { query.VerdictCode }, NpgsqlDbType.Array | NpgsqlDbType.Text));
                }

                sql.Append(" ORDER BY timestamp_ticks DESC, audit_id DESC LIMIT ").Append(Add(command, query.Limit, NpgsqlDbType.Integer));
                command.CommandText = sql.ToString();
                var records = new List<AuditRecord>();
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        records.Add(PostgreSqlAuditColumns.Read(reader));
                    }
                }

                return records;
            }
        }
    }

    /// <summary>Returns the record of one call, or <see langword="null"/> when the database has none with that id.</summary>
    /// <param name="auditId">The audit id (<see cref="SafeChatResult.AuditId"/>).</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The record, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="auditId"/> is null or empty.</exception>
    /// <exception cref="NpgsqlException">The server cannot be reached or refused the query.</exception>
    public async Task<AuditRecord?> GetAsync(string auditId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(auditId);
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new NpgsqlCommand("SELECT " + PostgreSqlAuditColumns.SelectList + " FROM safeopenai.audit_records WHERE audit_id = $1", connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = auditId, NpgsqlDbType = NpgsqlDbType.Text });
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? PostgreSqlAuditColumns.Read(reader) : null;
                }
            }
        }
    }

    /// <summary>Counts the stored records (an exact count: a full scan of the table's index).</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The number of records.</returns>
    /// <exception cref="NpgsqlException">The server cannot be reached or refused the query.</exception>
    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new NpgsqlCommand("SELECT count(*) FROM safeopenai.audit_records", connection);
            await using (command.ConfigureAwait(false))
            {
                return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }
        }
    }

    private static string Add(NpgsqlCommand command, object value, NpgsqlDbType type)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
        return "$" + command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
