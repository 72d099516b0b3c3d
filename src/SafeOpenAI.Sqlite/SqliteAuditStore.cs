using System.Text;
using Microsoft.Data.Sqlite;

namespace SafeOpenAI.Sqlite;

/// <summary>
/// Reads the audit records a <see cref="SqliteAuditSink"/> stored: the incident-response view,
/// by user, time range, verdict code, review id and flagged calls, newest first. Each query opens its own
/// connection (WAL mode lets it read while the sink writes). Reads files of every schema version this
/// library knows without migrating them (fields a version lacks read as null). As the
/// <see cref="IAuditRecordReader"/>, it lets reviewers triage a feedback report next to the call's record. Thread-safe.
/// </summary>
public sealed class SqliteAuditStore : IAuditRecordReader
{
    private readonly string _connectionString;

    /// <summary>Creates the store over a database file written by <see cref="SqliteAuditSink"/>.</summary>
    /// <param name="connectionString">The Microsoft.Data.Sqlite connection string, for example <c>Data Source=audit.db</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is null or blank.</exception>
    public SqliteAuditStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _connectionString = connectionString;
    }

    /// <summary>Returns the records matching <paramref name="query"/>, newest first (by call start, then audit id).</summary>
    /// <param name="query">The filter.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>At most <see cref="AuditQuery.Limit"/> records.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="AuditQuery.Limit"/> is out of range.</exception>
    /// <exception cref="SqliteException">The file cannot be read or is not an audit database.</exception>
    public async Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, AuditQuery.MaxLimit, nameof(query));
        using var connection = SqliteAuditSchema.Open(_connectionString);
        var version = SqliteAuditSchema.ReadVersion(connection);
        using var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT ").Append(SqliteAuditSchema.SelectListFor(version)).Append(" FROM audit_records WHERE 1 = 1");
        if (query.SafetyIdentifier is { } user)
        {
            sql.Append(" AND safety_identifier = $user");
            command.Parameters.AddWithValue("$user", user);
        }

        if (query.ReviewId is { } review)
        {
            // A file of schema version 1 has no review ids: nothing matches.
            sql.Append(version >= 2 ? " AND review_id = $review" : " AND 0");
            command.Parameters.AddWithValue("$review", review);
        }

        if (query.Since is { } since)
        {
            sql.Append(" AND timestamp_ticks >= $since");
            command.Parameters.AddWithValue("$since", since.UtcTicks);
        }

        if (query.Until is { } until)
        {
            sql.Append(" AND timestamp_ticks < $until");
            command.Parameters.AddWithValue("$until", until.UtcTicks);
        }

        if (query.FlaggedOnly)
        {
            sql.Append(" AND outcome IN (").Append((int)AuditOutcome.Blocked).Append(", ").Append((int)AuditOutcome.PendingReview).Append(')');
        }

        if (!string.IsNullOrEmpty(query.VerdictCode))
        {
            // The code family "a.b" matches "a.b:*": the range [a.b: , a.b;) in the code index (';' follows ':').
            sql.Append(" AND id IN (SELECT record_id FROM audit_verdicts WHERE code = $code OR (code >= $familyStart AND code < $familyEnd))");
            command.Parameters.AddWithValue("$code", query.VerdictCode);
            command.Parameters.AddWithValue("$familyStart", query.VerdictCode + ":");
            command.Parameters.AddWithValue("$familyEnd", query.VerdictCode + ";");
        }

        sql.Append(" ORDER BY timestamp_ticks DESC, audit_id DESC LIMIT $limit;");
        command.Parameters.AddWithValue("$limit", query.Limit);
        command.CommandText = sql.ToString();
        var records = new List<AuditRecord>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(SqliteAuditColumns.Read(reader));
        }

        return records;
    }

    /// <summary>Returns the record of one call, or <see langword="null"/> when the file has none with that id.</summary>
    /// <param name="auditId">The audit id (<see cref="SafeChatResult.AuditId"/>).</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The record, or <see langword="null"/> when there is none (also when no audit sink has written to the file yet).</returns>
    /// <exception cref="ArgumentException"><paramref name="auditId"/> is null or empty.</exception>
    /// <exception cref="SqliteException">The file cannot be read.</exception>
    public async Task<AuditRecord?> GetAsync(string auditId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(auditId);
        using var connection = SqliteAuditSchema.Open(_connectionString);
        if (!SqliteAuditSchema.HasAuditTable(connection))
        {
            // A review process may read a shared file before any writer created the audit tables.
            return null;
        }

        var version = SqliteAuditSchema.ReadVersion(connection);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT " + SqliteAuditSchema.SelectListFor(version) + " FROM audit_records WHERE audit_id = $id;";
        command.Parameters.AddWithValue("$id", auditId);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? SqliteAuditColumns.Read(reader) : null;
    }

    /// <summary>Counts the records in the file.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The number of records.</returns>
    /// <exception cref="SqliteException">The file cannot be read or is not an audit database.</exception>
    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        using var connection = SqliteAuditSchema.Open(_connectionString);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM audit_records;";
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
