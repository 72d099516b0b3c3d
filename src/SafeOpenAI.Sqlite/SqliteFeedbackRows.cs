using System.Text;
using Microsoft.Data.Sqlite;

namespace SafeOpenAI.Sqlite;

/// <summary>Maps a <see cref="FeedbackEntry"/> to the columns of <c>feedback_reports</c> and back (times as UTC ticks, enumerations as numbers).</summary>
internal static class SqliteFeedbackRows
{
    /// <summary>The columns in the order <see cref="Read"/> expects them.</summary>
    public const string SelectList =
        "report_id, audit_id, category, protected_comment, reporter_safety_identifier, received_ticks, triage, triaged_by, triaged_ticks, protected_triage_note, version";

    /// <summary>Inserts a report unless its id is taken (then no row changes).</summary>
    public const string InsertSql =
        "INSERT INTO feedback_reports (" + SelectList + ") VALUES ($report_id, $audit_id, $category, $protected_comment, $reporter, "
        + "$received_ticks, $triage, $triaged_by, $triaged_ticks, $protected_triage_note, $version) ON CONFLICT (report_id) DO NOTHING;";

    /// <summary>The compare-and-set: replaces every column of the report when its stored version is <c>$expected</c>.</summary>
    public const string ReplaceSql =
        "UPDATE feedback_reports SET audit_id = $audit_id, category = $category, protected_comment = $protected_comment, "
        + "reporter_safety_identifier = $reporter, received_ticks = $received_ticks, triage = $triage, triaged_by = $triaged_by, "
        + "triaged_ticks = $triaged_ticks, protected_triage_note = $protected_triage_note, version = $version "
        + "WHERE report_id = $report_id AND version = $expected;";

    /// <summary>Sets the statement and parameters of a list query: newest first, reports received at the same instant in reverse order of arrival, as the indexes on time order them.</summary>
    public static void PrepareList(SqliteCommand command, FeedbackQuery query)
    {
        var sql = new StringBuilder("SELECT ").Append(SelectList).Append(" FROM feedback_reports WHERE 1 = 1");
        if (query.Triage is { } triage)
        {
            sql.Append(" AND triage = $triage");
            command.Parameters.AddWithValue("$triage", (int)triage);
        }

        if (query.AuditId is { } auditId)
        {
            sql.Append(" AND audit_id = $audit");
            command.Parameters.AddWithValue("$audit", auditId);
        }

        if (query.Category is { } category)
        {
            sql.Append(" AND category = $category");
            command.Parameters.AddWithValue("$category", (int)category);
        }

        sql.Append(" ORDER BY received_ticks DESC, id DESC LIMIT $limit;");
        command.Parameters.AddWithValue("$limit", query.Limit);
        command.CommandText = sql.ToString();
    }

    /// <summary>Binds every column of <paramref name="entry"/> to the named parameters of <see cref="InsertSql"/> and <see cref="ReplaceSql"/>.</summary>
    public static void Bind(SqliteCommand command, FeedbackEntry entry)
    {
        var p = command.Parameters;
        p.AddWithValue("$report_id", entry.ReportId);
        p.AddWithValue("$audit_id", entry.AuditId);
        p.AddWithValue("$category", (int)entry.Category);
        p.AddWithValue("$protected_comment", SqliteValues.Text(entry.ProtectedComment));
        p.AddWithValue("$reporter", SqliteValues.Text(entry.ReporterSafetyIdentifier));
        p.AddWithValue("$received_ticks", entry.ReceivedAt.UtcTicks);
        p.AddWithValue("$triage", (int)entry.Triage);
        p.AddWithValue("$triaged_by", SqliteValues.Text(entry.TriagedBy));
        p.AddWithValue("$triaged_ticks", SqliteValues.Ticks(entry.TriagedAt));
        p.AddWithValue("$protected_triage_note", SqliteValues.Text(entry.ProtectedTriageNote));
        p.AddWithValue("$version", entry.Version);
    }

    /// <summary>Reads the current row, selected with <see cref="SelectList"/>.</summary>
    public static FeedbackEntry Read(SqliteDataReader reader) => new(
        ReportId: reader.GetString(0),
        AuditId: reader.GetString(1),
        Category: (FeedbackCategory)reader.GetInt32(2),
        ProtectedComment: SqliteValues.Text(reader, 3),
        ReporterSafetyIdentifier: SqliteValues.Text(reader, 4),
        ReceivedAt: SqliteValues.Time(reader, 5),
        Triage: (FeedbackTriageStatus)reader.GetInt32(6),
        TriagedBy: SqliteValues.Text(reader, 7),
        TriagedAt: SqliteValues.TimeOrNull(reader, 8),
        ProtectedTriageNote: SqliteValues.Text(reader, 9),
        Version: reader.GetInt64(10));
}
