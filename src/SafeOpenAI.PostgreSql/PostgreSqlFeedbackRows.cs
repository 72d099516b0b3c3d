using System.Text;
using Npgsql;

namespace SafeOpenAI.PostgreSql;

/// <summary>Maps a <see cref="FeedbackEntry"/> to the columns of <c>safeopenai.feedback_reports</c> and back (times as UTC ticks, enumerations as numbers).</summary>
internal static class PostgreSqlFeedbackRows
{
    /// <summary>The columns in the order <see cref="Read"/> and <see cref="Bind"/> use them.</summary>
    public const string SelectList =
        "report_id, audit_id, category, protected_comment, reporter_safety_identifier, received_ticks, triage, triaged_by, triaged_ticks, protected_triage_note, version";

    /// <summary>Inserts a report unless its id is taken (then no row changes). Parameters $1 to $11 as bound by <see cref="Bind"/>.</summary>
    public const string InsertSql =
        "INSERT INTO safeopenai.feedback_reports (" + SelectList + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (report_id) DO NOTHING;";

    /// <summary>The compare-and-set: replaces every column of report $1 when its stored version is $12.</summary>
    public const string ReplaceSql =
        "UPDATE safeopenai.feedback_reports SET audit_id = $2, category = $3, protected_comment = $4, reporter_safety_identifier = $5, received_ticks = $6, "
        + "triage = $7, triaged_by = $8, triaged_ticks = $9, protected_triage_note = $10, version = $11 WHERE report_id = $1 AND version = $12;";

    /// <summary>Sets the statement and parameters of a list query: newest first, reports received at the same instant in reverse order of arrival, as the indexes on time order them.</summary>
    public static void PrepareList(NpgsqlCommand command, FeedbackQuery query)
    {
        var sql = new StringBuilder("SELECT ").Append(SelectList).Append(" FROM safeopenai.feedback_reports WHERE true");
        if (query.Triage is { } triage)
        {
            PostgreSqlValues.Integer(command, (int)triage);
            sql.Append(" AND triage = $").Append(command.Parameters.Count);
        }

        if (query.AuditId is { } auditId)
        {
            PostgreSqlValues.Text(command, auditId);
            sql.Append(" AND audit_id = $").Append(command.Parameters.Count);
        }

        if (query.Category is { } category)
        {
            PostgreSqlValues.Integer(command, (int)category);
            sql.Append(" AND category = $").Append(command.Parameters.Count);
        }

        PostgreSqlValues.Integer(command, query.Limit);
        sql.Append(" ORDER BY received_ticks DESC, id DESC LIMIT $").Append(command.Parameters.Count).Append(';');
        command.CommandText = sql.ToString();
    }

    /// <summary>Binds every column of <paramref name="entry"/> as $1 to $11, in the order of <see cref="SelectList"/>.</summary>
    public static void Bind(NpgsqlCommand command, FeedbackEntry entry)
    {
        PostgreSqlValues.Text(command, entry.ReportId);
        PostgreSqlValues.Text(command, entry.AuditId);
        PostgreSqlValues.Integer(command, (int)entry.Category);
        PostgreSqlValues.Text(command, entry.ProtectedComment);
        PostgreSqlValues.Text(command, entry.ReporterSafetyIdentifier);
        PostgreSqlValues.Ticks(command, entry.ReceivedAt);
        PostgreSqlValues.Integer(command, (int)entry.Triage);
        PostgreSqlValues.Text(command, entry.TriagedBy);
        PostgreSqlValues.Ticks(command, entry.TriagedAt);
        PostgreSqlValues.Text(command, entry.ProtectedTriageNote);
        PostgreSqlValues.Bigint(command, entry.Version);
    }

    /// <summary>Reads the current row, selected with <see cref="SelectList"/>.</summary>
    public static FeedbackEntry Read(NpgsqlDataReader reader) => new(
        ReportId: reader.GetString(0),
        AuditId: reader.GetString(1),
        Category: (FeedbackCategory)reader.GetInt32(2),
        ProtectedComment: PostgreSqlValues.Text(reader, 3),
        ReporterSafetyIdentifier: PostgreSqlValues.Text(reader, 4),
        ReceivedAt: PostgreSqlValues.Time(reader, 5),
        Triage: (FeedbackTriageStatus)reader.GetInt32(6),
        TriagedBy: PostgreSqlValues.Text(reader, 7),
        TriagedAt: PostgreSqlValues.TimeOrNull(reader, 8),
        ProtectedTriageNote: PostgreSqlValues.Text(reader, 9),
        Version: reader.GetInt64(10));
}
