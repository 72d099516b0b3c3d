using System.Text;
using Microsoft.Data.Sqlite;

namespace SafeOpenAI.Sqlite;

/// <summary>Maps a <see cref="ReviewRecord"/> to the columns of <c>review_items</c> and back (times as UTC ticks, enumerations as numbers).</summary>
internal static class SqliteReviewRows
{
    /// <summary>The columns in the order <see cref="Read"/> expects them.</summary>
    public const string SelectList =
        "review_id, audit_id, status, reason_code, requested_by, risk_domain, safety_identifier, created_ticks, deadline_ticks, escalations, "
        + "claimed_by, claim_expires_ticks, outcome, decided_by, decided_ticks, protected_material, protected_answer, protected_note, version";

    /// <summary>Inserts a review unless its id is taken (then no row changes).</summary>
    public const string InsertSql =
        "INSERT INTO review_items (" + SelectList + ") VALUES ($review_id, $audit_id, $status, $reason_code, $requested_by, $risk_domain, "
        + "$safety_identifier, $created_ticks, $deadline_ticks, $escalations, $claimed_by, $claim_expires_ticks, $outcome, $decided_by, "
        + "$decided_ticks, $protected_material, $protected_answer, $protected_note, $version) ON CONFLICT (review_id) DO NOTHING;";

    /// <summary>The compare-and-set: replaces every column of the review when its stored version is <c>$expected</c>.</summary>
    public const string ReplaceSql =
        "UPDATE review_items SET audit_id = $audit_id, status = $status, reason_code = $reason_code, requested_by = $requested_by, "
        + "risk_domain = $risk_domain, safety_identifier = $safety_identifier, created_ticks = $created_ticks, deadline_ticks = $deadline_ticks, "
        + "escalations = $escalations, claimed_by = $claimed_by, claim_expires_ticks = $claim_expires_ticks, outcome = $outcome, "
        + "decided_by = $decided_by, decided_ticks = $decided_ticks, protected_material = $protected_material, "
        + "protected_answer = $protected_answer, protected_note = $protected_note, version = $version "
        + "WHERE review_id = $review_id AND version = $expected;";

    /// <summary>
    /// Sets the statement and parameters of a list query: earliest deadline first, then earliest created,
    /// then by review id (as the in-memory store), so that each filter is served by an index in that order
    /// (open reviews by the partial index of open ones).
    /// </summary>
    public static void PrepareList(SqliteCommand command, ReviewListQuery query)
    {
        var sql = new StringBuilder("SELECT ").Append(SelectList).Append(" FROM review_items WHERE 1 = 1");
        if (query.OpenOnly)
        {
            sql.Append(" AND ").Append(SqliteReviewSchema.OpenCondition);
        }

        if (query.SafetyIdentifier is { } user)
        {
            sql.Append(" AND safety_identifier = $user");
            command.Parameters.AddWithValue("$user", user);
        }

        if (query.AuditId is { } auditId)
        {
            sql.Append(" AND audit_id = $audit");
            command.Parameters.AddWithValue("$audit", auditId);
        }

        if (query.DueBefore is { } dueBefore)
        {
            sql.Append(" AND deadline_ticks < $due");
            command.Parameters.AddWithValue("$due", dueBefore.UtcTicks);
        }

        sql.Append(" ORDER BY deadline_ticks, created_ticks, review_id LIMIT $limit;");
        command.Parameters.AddWithValue("$limit", query.Limit);
        command.CommandText = sql.ToString();
    }

    /// <summary>Binds every column of <paramref name="record"/> to the named parameters of <see cref="InsertSql"/> and <see cref="ReplaceSql"/>.</summary>
    public static void Bind(SqliteCommand command, ReviewRecord record)
    {
        var summary = record.Summary;
        var p = command.Parameters;
        p.AddWithValue("$review_id", summary.ReviewId);
        p.AddWithValue("$audit_id", summary.AuditId);
        p.AddWithValue("$status", (int)summary.Status);
        p.AddWithValue("$reason_code", summary.ReasonCode);
        p.AddWithValue("$requested_by", summary.RequestedBy);
        p.AddWithValue("$risk_domain", SqliteValues.Text(summary.RiskDomain));
        p.AddWithValue("$safety_identifier", SqliteValues.Text(summary.SafetyIdentifier));
        p.AddWithValue("$created_ticks", summary.CreatedAt.UtcTicks);
        p.AddWithValue("$deadline_ticks", summary.Deadline.UtcTicks);
        p.AddWithValue("$escalations", summary.Escalations);
        p.AddWithValue("$claimed_by", SqliteValues.Text(summary.ClaimedBy));
        p.AddWithValue("$claim_expires_ticks", SqliteValues.Ticks(summary.ClaimExpiresAt));
        p.AddWithValue("$outcome", summary.Outcome is { } outcome ? (int)outcome : DBNull.Value);
        p.AddWithValue("$decided_by", SqliteValues.Text(summary.DecidedBy));
        p.AddWithValue("$decided_ticks", SqliteValues.Ticks(summary.DecidedAt));
        p.AddWithValue("$protected_material", record.ProtectedMaterial);
        p.AddWithValue("$protected_answer", SqliteValues.Text(record.ProtectedAnswer));
        p.AddWithValue("$protected_note", SqliteValues.Text(record.ProtectedNote));
        p.AddWithValue("$version", record.Version);
    }

    /// <summary>Reads the current row, selected with <see cref="SelectList"/>.</summary>
    public static ReviewRecord Read(SqliteDataReader reader)
    {
        var summary = new ReviewSummary(
            ReviewId: reader.GetString(0),
            AuditId: reader.GetString(1),
            Status: (ReviewStatus)reader.GetInt32(2),
            ReasonCode: reader.GetString(3),
            RequestedBy: reader.GetString(4),
            RiskDomain: SqliteValues.Text(reader, 5),
            SafetyIdentifier: SqliteValues.Text(reader, 6),
            CreatedAt: SqliteValues.Time(reader, 7),
            Deadline: SqliteValues.Time(reader, 8),
            Escalations: reader.GetInt32(9),
            ClaimedBy: SqliteValues.Text(reader, 10),
            ClaimExpiresAt: SqliteValues.TimeOrNull(reader, 11),
            Outcome: reader.IsDBNull(12) ? null : (ReviewOutcome)reader.GetInt32(12),
            DecidedBy: SqliteValues.Text(reader, 13),
            DecidedAt: SqliteValues.TimeOrNull(reader, 14));
        return new ReviewRecord(summary, reader.GetString(15), SqliteValues.Text(reader, 16), SqliteValues.Text(reader, 17), reader.GetInt64(18));
    }
}
