using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace SafeOpenAI.Sqlite;

/// <summary>
/// Maps an <see cref="AuditRecord"/> to the columns of <c>audit_records</c> and <c>audit_verdicts</c> and back.
/// Lists are stored as compact JSON arrays. Writes go through SQLite's own prepared statements
/// (SQLitePCLRaw, under Microsoft.Data.Sqlite), bound by position: see <see cref="SqliteAuditStatements"/>.
/// </summary>
internal static class SqliteAuditColumns
{
    /// <summary>The columns in the order <see cref="Read"/> expects them.</summary>
    public const string SelectList =
        "audit_id, timestamp_ticks, safety_identifier, session_hash, tenant_id, model, outcome, input_hash, output_hash, decisive_code, "
        + "input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, cost_usd, duration_ticks, error_type, verdict_codes, stage_durations, moderation_scores, "
        + "review_id, encrypted_input, encrypted_output";

    /// <summary>The columns of <see cref="SelectList"/> for a file of schema version 1 (before review ids and content): those columns read as null.</summary>
    public const string SelectListV1 =
        "audit_id, timestamp_ticks, safety_identifier, session_hash, tenant_id, model, outcome, input_hash, output_hash, decisive_code, "
        + "input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, cost_usd, duration_ticks, error_type, verdict_codes, stage_durations, moderation_scores, "
        + "NULL, NULL, NULL";

    /// <summary>Inserts one record: <c>?1</c> is the row id, <c>?2</c>.. the columns of <see cref="SelectList"/> in order.</summary>
    public static readonly string InsertRecordSql =
        "INSERT INTO audit_records (id, " + SelectList + ") VALUES ("
        + string.Join(", ", Enumerable.Range(1, SelectList.Split(", ").Length + 1).Select(i => "?" + i.ToString(CultureInfo.InvariantCulture))) + ");";

    /// <summary>Inserts one verdict: record row id, position, stage, code.</summary>
    public const string InsertVerdictSql = "INSERT INTO audit_verdicts (record_id, position, stage, code) VALUES (?1, ?2, ?3, ?4);";

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Binds the row id and every column of <paramref name="row"/> to a statement prepared from <see cref="InsertRecordSql"/>.</summary>
    /// <returns><c>SQLITE_OK</c> (zero), or the OR of the failed bindings' result codes (the connection holds the first error).</returns>
    public static int BindRecord(sqlite3_stmt statement, long id, SqliteAuditRow row)
    {
        var record = row.Record;
        var usage = record.Usage;
        var rc = raw.sqlite3_bind_int64(statement, 1, id);
        rc |= BindText(statement, 2, record.AuditId);
        rc |= raw.sqlite3_bind_int64(statement, 3, record.Timestamp.UtcTicks);
        rc |= BindText(statement, 4, record.SafetyIdentifier);
        rc |= BindText(statement, 5, record.SessionHash);
        rc |= BindText(statement, 6, record.TenantId);
        rc |= BindText(statement, 7, record.Model);
        rc |= raw.sqlite3_bind_int(statement, 8, (int)record.Outcome);
        rc |= BindText(statement, 9, record.InputHash);
        rc |= BindText(statement, 10, record.OutputHash);
        rc |= BindText(statement, 11, record.DecisiveCode);
        rc |= usage is null ? raw.sqlite3_bind_null(statement, 12) : raw.sqlite3_bind_int(statement, 12, usage.InputTokens);
        rc |= usage is null ? raw.sqlite3_bind_null(statement, 13) : raw.sqlite3_bind_int(statement, 13, usage.OutputTokens);
        rc |= usage is null ? raw.sqlite3_bind_null(statement, 14) : raw.sqlite3_bind_int(statement, 14, usage.CachedInputTokens);
        rc |= usage is null ? raw.sqlite3_bind_null(statement, 15) : raw.sqlite3_bind_int(statement, 15, usage.ReasoningTokens);
        rc |= BindText(statement, 16, row.CostUsd);
        rc |= raw.sqlite3_bind_int64(statement, 17, record.Duration.Ticks);
        rc |= BindText(statement, 18, record.ErrorType);
        rc |= raw.sqlite3_bind_text(statement, 19, row.VerdictsJson);
        rc |= raw.sqlite3_bind_text(statement, 20, row.DurationsJson);
        rc |= raw.sqlite3_bind_text(statement, 21, row.ScoresJson);
        rc |= BindText(statement, 22, record.ReviewId);
        rc |= BindText(statement, 23, record.EncryptedInput);
        rc |= BindText(statement, 24, record.EncryptedOutput);
        return rc;
    }

    /// <summary>Binds verdict <paramref name="position"/> of the record with row id <paramref name="id"/> to a statement prepared from <see cref="InsertVerdictSql"/>.</summary>
    /// <returns><c>SQLITE_OK</c> (zero), or the OR of the failed bindings' result codes (the connection holds the first error).</returns>
    public static int BindVerdict(sqlite3_stmt statement, long id, int position, string verdict)
    {
        var colon = verdict.IndexOf(':', StringComparison.Ordinal);
        var rc = raw.sqlite3_bind_int64(statement, 1, id);
        rc |= raw.sqlite3_bind_int(statement, 2, position);
        rc |= BindText(statement, 3, colon < 0 ? ReadOnlySpan<char>.Empty : verdict.AsSpan(0, colon));
        rc |= BindText(statement, 4, colon < 0 ? verdict.AsSpan() : verdict.AsSpan(colon + 1));
        return rc;
    }

    /// <summary>Formats the list columns of <paramref name="record"/> as compact JSON (UTF-8).</summary>
    public static (byte[] Verdicts, byte[] Durations, byte[] Scores) FormatLists(AuditRecord record) =>
        (VerdictsJson(record.VerdictCodes), DurationsJson(record.StageDurations), ScoresJson(record.ModerationScores));

    public static AuditRecord Read(SqliteDataReader reader)
    {
        TokenUsage? usage = reader.IsDBNull(10)
            ? null
            : new TokenUsage(reader.GetInt32(10), reader.GetInt32(11), reader.GetInt32(12), reader.GetInt32(13));
        return new AuditRecord
        {
            AuditId = reader.GetString(0),
            Timestamp = new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero),
            SafetyIdentifier = StringOrNull(reader, 2),
            SessionHash = StringOrNull(reader, 3),
            TenantId = StringOrNull(reader, 4),
            Model = reader.GetString(5),
            Outcome = (AuditOutcome)reader.GetInt32(6),
            InputHash = reader.GetString(7),
            OutputHash = StringOrNull(reader, 8),
            DecisiveCode = StringOrNull(reader, 9),
            Usage = usage,
            CostUsd = reader.IsDBNull(14) ? null : decimal.Parse(reader.GetString(14), NumberStyles.Number, CultureInfo.InvariantCulture),
            Duration = TimeSpan.FromTicks(reader.GetInt64(15)),
            ErrorType = StringOrNull(reader, 16),
            VerdictCodes = ReadVerdicts(reader.GetString(17)),
            StageDurations = ReadDurations(reader.GetString(18)),
            ModerationScores = ReadScores(reader.GetString(19)),
            ReviewId = StringOrNull(reader, 20),
            EncryptedInput = StringOrNull(reader, 21),
            EncryptedOutput = StringOrNull(reader, 22),
        };
    }

    private static string? StringOrNull(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>Binds text, or null; an empty text is bound as an empty text, not as null.</summary>
    private static int BindText(sqlite3_stmt statement, int index, string? text) =>
        text is null ? raw.sqlite3_bind_null(statement, index) : BindText(statement, index, text.AsSpan());

    private static int BindText(sqlite3_stmt statement, int index, ReadOnlySpan<char> text) =>

        // SQLitePCLRaw passes an empty span as a null pointer, which SQLite binds as NULL.
        text.IsEmpty ? raw.sqlite3_bind_text(statement, index, string.Empty) : raw.sqlite3_bind_text16(statement, index, text);

    private static byte[] VerdictsJson(IReadOnlyList<string> verdicts) => Json(writer =>
    {
        foreach (var verdict in verdicts)
        {
            writer.WriteStringValue(verdict);
        }
    });

    private static byte[] DurationsJson(IReadOnlyList<AuditStageDuration> durations) => Json(writer =>
    {
        foreach (var d in durations)
        {
            writer.WriteStartArray();
            writer.WriteStringValue(d.Stage);
            writer.WriteNumberValue((int)d.Phase);
            writer.WriteNumberValue(d.Duration.Ticks);
            writer.WriteEndArray();
        }
    });

    private static byte[] ScoresJson(IReadOnlyList<AuditModerationScore> scores) => Json(writer =>
    {
        foreach (var s in scores)
        {
            writer.WriteStartArray();
            writer.WriteNumberValue((int)s.Phase);
            writer.WriteStringValue(s.Category);
            writer.WriteNumberValue(s.Score);
            writer.WriteBooleanValue(s.Flagged);
            writer.WriteEndArray();
        }
    });

    private static byte[] Json(Action<Utf8JsonWriter> writeItems)
    {
        // One buffer and writer per thread, reset for each list: callers format thousands of lists a second.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        writer.WriteStartArray();
        writeItems(writer);
        writer.WriteEndArray();
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static string[] ReadVerdicts(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    private static AuditStageDuration[] ReadDurations(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray()
            .Select(e => new AuditStageDuration(e[0].GetString()!, (SafetyPhase)e[1].GetInt32(), TimeSpan.FromTicks(e[2].GetInt64())))
            .ToArray();
    }

    private static AuditModerationScore[] ReadScores(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray()
            .Select(e => new AuditModerationScore((SafetyPhase)e[0].GetInt32(), e[1].GetString()!, e[2].GetDouble(), e[3].GetBoolean()))
            .ToArray();
    }
}
