using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace SafeOpenAI.PostgreSql;

/// <summary>Maps a <see cref="ReviewRecord"/> to the columns of <c>safeopenai.review_items</c> and back (times as UTC ticks, enumerations as numbers).</summary>
internal static class PostgreSqlReviewRows
{
    /// <summary>The columns in the order <see cref="Read"/> and <see cref="Bind"/> use them.</summary>
    public const string SelectList =
        "review_id, audit_id, status, reason_code, requested_by, risk_domain, safety_identifier, created_ticks, deadline_ticks, escalations, "
        + "claimed_by, claim_expires_ticks, outcome, decided_by, decided_ticks, protected_material, protected_answer, protected_note, version";

    /// <summary>Inserts a review unless its id is taken (then no row changes). Parameters $1 to $19 as bound by <see cref="Bind"/>.</summary>
    public const string InsertSql =
        "INSERT INTO safeopenai.review_items (" + SelectList + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) "
        + "ON CONFLICT (review_id) DO NOTHING;";

    /// <summary>The compare-and-set: replaces every column of review $1 when its stored version is $20.</summary>
    public const string ReplaceSql =
        "UPDATE safeopenai.review_items SET audit_id = $2, status = $3, reason_code = $4, requested_by = $5, risk_domain = $6, safety_identifier = $7, "
        + "created_ticks = $8, deadline_ticks = $9, escalations = $10, claimed_by = $11, claim_expires_ticks = $12, outcome = $13, decided_by = $14, "
        + "decided_ticks = $15, protected_material = $16, protected_answer = $17, protected_note = $18, version = $19 "
        + "WHERE review_id = $1 AND version = $20;";

    /// <summary>
    /// Sets the statement and parameters of a list query: earliest deadline first, then earliest created, then by
    /// review id (as the in-memory store), so each filter is served by an index in that order (open reviews by the
    /// partial index of open ones).
    /// </summary>
    public static void PrepareList(NpgsqlCommand command, ReviewListQuery query)
    {
        var sql = new StringBuilder("SELECT ").Append(SelectList).Append(" FROM safeopenai.review_items WHERE true");
        if (query.OpenOnly)
        {
            sql.Append(" AND ").Append(PostgreSqlReviewSchema.OpenCondition);
        }

        AppendFilters(command, sql, query);
        sql.Append(" ORDER BY deadline_ticks, created_ticks, review_id LIMIT $").Append(command.Parameters.Count + 1).Append(';');
        PostgreSqlValues.Integer(command, query.Limit);
        command.CommandText = sql.ToString();
    }

    /// <summary>
    /// Sets the one statement that claims the next claimable review (see <see cref="IReviewClaimStore.TryClaimNextAsync"/>):
    /// the inner <c>SELECT ... FOR UPDATE SKIP LOCKED</c> locks the first candidate no other transaction holds
    /// (https://www.postgresql.org/docs/current/sql-select.html#SQL-FOR-UPDATE-SHARE), rechecking the conditions
    /// on its newest version, so concurrent claimers on every instance each take a different row without waiting;
    /// the version grows by one, so a compare-and-set made from the old version loses.
    /// </summary>
    public static void PrepareClaimNext(NpgsqlCommand command, ReviewListQuery query, string reviewer, DateTimeOffset now, DateTimeOffset claimExpiresAt, IReadOnlyCollection<string> excluded)
    {
        PostgreSqlValues.Text(command, reviewer);
        PostgreSqlValues.Ticks(command, claimExpiresAt);
        PostgreSqlValues.Ticks(command, now);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = excluded.ToArray() });
        var sql = new StringBuilder("UPDATE safeopenai.review_items SET status = 1, claimed_by = $1, claim_expires_ticks = $2, version = version + 1 ")
            .Append("WHERE review_id = (SELECT review_id FROM safeopenai.review_items WHERE ").Append(PostgreSqlReviewSchema.OpenCondition)
            .Append(" AND deadline_ticks > $3 AND (claimed_by IS NULL OR claim_expires_ticks <= $3) AND NOT (review_id = ANY ($4))");
        AppendFilters(command, sql, query);
        sql.Append(" ORDER BY deadline_ticks, created_ticks, review_id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING ").Append(SelectList).Append(';');
        command.CommandText = sql.ToString();
    }

    /// <summary>Binds every column of <paramref name="record"/> as $1 to $19, in the order of <see cref="SelectList"/>.</summary>
    public static void Bind(NpgsqlCommand command, ReviewRecord record)
    {
        var summary = record.Summary;
        PostgreSqlValues.Text(command, summary.ReviewId);
        PostgreSqlValues.Text(command, summary.AuditId);
        PostgreSqlValues.Integer(command, (int)summary.Status);
        PostgreSqlValues.Text(command, summary.ReasonCode);
        PostgreSqlValues.Text(command, summary.RequestedBy);
        PostgreSqlValues.Text(command, summary.RiskDomain);
        PostgreSqlValues.Text(command, summary.SafetyIdentifier);
        PostgreSqlValues.Ticks(command, summary.CreatedAt);
        PostgreSqlValues.Ticks(command, summary.Deadline);
        PostgreSqlValues.Integer(command, summary.Escalations);
        PostgreSqlValues.Text(command, summary.ClaimedBy);
        PostgreSqlValues.Ticks(command, summary.ClaimExpiresAt);
        PostgreSqlValues.Integer(command, summary.Outcome is { } outcome ? (int)outcome : null);
        PostgreSqlValues.Text(command, summary.DecidedBy);
        PostgreSqlValues.Ticks(command, summary.DecidedAt);
        PostgreSqlValues.Text(command, record.ProtectedMaterial);
        PostgreSqlValues.Text(command, record.ProtectedAnswer);
        PostgreSqlValues.Text(command, record.ProtectedNote);
        PostgreSqlValues.Bigint(command, record.Version);
    }

    /// <summary>Reads the current row, selected with <see cref="SelectList"/>.</summary>
    public static ReviewRecord Read(NpgsqlDataReader reader)
    {
        var summary = new ReviewSummary(
            ReviewId: reader.GetString(0),
            AuditId: reader.GetString(1),
            Status: (ReviewStatus)reader.GetInt32(2),
            ReasonCode: reader.GetString(3),
            RequestedBy: reader.GetString(4),
            RiskDomain: PostgreSqlValues.Text(reader, 5),
            SafetyIdentifier: PostgreSqlValues.Text(reader, 6),
            CreatedAt: PostgreSqlValues.Time(reader, 7),
            Deadline: PostgreSqlValues.Time(reader, 8),
            Escalations: reader.GetInt32(9),
            ClaimedBy: PostgreSqlValues.Text(reader, 10),
            ClaimExpiresAt: PostgreSqlValues.TimeOrNull(reader, 11),
            Outcome: reader.IsDBNull(12) ? null : (ReviewOutcome)reader.GetInt32(12),
            DecidedBy: PostgreSqlValues.Text(reader, 13),
            DecidedAt: PostgreSqlValues.TimeOrNull(reader, 14));
        return new ReviewRecord(summary, reader.GetString(15), PostgreSqlValues.Text(reader, 16), PostgreSqlValues.Text(reader, 17), reader.GetInt64(18));
    }

    private static void AppendFilters(NpgsqlCommand command, StringBuilder sql, ReviewListQuery query)
    {
        if (query.SafetyIdentifier is { } user)
        {
            PostgreSqlValues.Text(command, user);
            sql.Append(" AND safety_identifier = $").Append(command.Parameters.Count);
        }

        if (query.AuditId is { } auditId)
        {
            PostgreSqlValues.Text(command, auditId);
            sql.Append(" AND audit_id = $").Append(command.Parameters.Count);
        }

        if (query.DueBefore is { } dueBefore)
        {
            PostgreSqlValues.Ticks(command, dueBefore);
            sql.Append(" AND deadline_ticks < $").Append(command.Parameters.Count);
        }
    }
}
