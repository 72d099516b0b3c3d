using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace SafeOpenAI.Sqlite;

/// <summary>Maps an <see cref="AuditRecord"/> to the columns of <c>audit_records</c> and back. Lists are stored as compact JSON arrays.</summary>
internal static class SqliteAuditColumns
{
    /// <summary>The columns in the order <see cref="Read"/> expects them.</summary>
    public const string SelectList =
        "audit_id, timestamp_ticks, safety_identifier, session_hash, tenant_id, model, outcome, input_hash, output_hash, decisive_code, "
        + "input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, cost_usd, duration_ticks, error_type, verdict_codes, stage_durations, moderation_scores";

    public static readonly string[] Names = SelectList.Split(", ");

    public static string InsertSql { get; } =
        "INSERT INTO audit_records (id, " + SelectList + ") VALUES ($id, " + string.Join(", ", Names.Select(n => "$" + n)) + ");";

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Adds the parameters of <see cref="InsertSql"/>: the row id first, then the columns of <see cref="SelectList"/>.</summary>
    public static void AddParameters(SqliteCommand command)
    {
        command.Parameters.Add(new SqliteParameter("$id", null));
        foreach (var name in Names)
        {
            command.Parameters.Add(new SqliteParameter("$" + name, null));
        }
    }

    /// <summary>
    /// Creates the command that inserts one record with <paramref name="verdictCount"/> verdict rows:
    /// two statements run by one execution (Microsoft.Data.Sqlite runs each statement of a command in
    /// turn), the verdicts as one multi-row insert. Bind it with <see cref="Bind"/>.
    /// </summary>
    public static SqliteCommand CreateInsert(SqliteConnection connection, int verdictCount)
    {
        var command = connection.CreateCommand();
        var sql = new StringBuilder(InsertSql);
        AddParameters(command);
        if (verdictCount > 0)
        {
            sql.Append(" INSERT INTO audit_verdicts (record_id, position, stage, code) VALUES ");
            for (var i = 0; i < verdictCount; i++)
            {
                sql.Append(i == 0 ? string.Empty : ", ").Append(CultureInfo.InvariantCulture, $"($id, {i}, $s{i}, $c{i})");
                command.Parameters.Add(new SqliteParameter("$s" + i.ToString(CultureInfo.InvariantCulture), SqliteType.Text));
                command.Parameters.Add(new SqliteParameter("$c" + i.ToString(CultureInfo.InvariantCulture), SqliteType.Text));
            }

            sql.Append(';');
        }

        command.CommandText = sql.ToString();
        return command;
    }

    /// <summary>Binds the row id, every column of <paramref name="record"/> and, for a command from <see cref="CreateInsert"/>, its verdicts.</summary>
    public static void Bind(SqliteCommand command, long id, AuditRecord record)
    {
        var p = command.Parameters;
        p[0].Value = id;
        p[1].Value = record.AuditId;
        p[2].Value = record.Timestamp.UtcTicks;
        p[3].Value = (object?)record.SafetyIdentifier ?? DBNull.Value;
        p[4].Value = (object?)record.SessionHash ?? DBNull.Value;
        p[5].Value = (object?)record.TenantId ?? DBNull.Value;
        p[6].Value = record.Model;
        p[7].Value = (int)record.Outcome;
        p[8].Value = record.InputHash;
        p[9].Value = (object?)record.OutputHash ?? DBNull.Value;
        p[10].Value = (object?)record.DecisiveCode ?? DBNull.Value;
        p[11].Value = record.Usage is { } u1 ? u1.InputTokens : DBNull.Value;
        p[12].Value = record.Usage is { } u2 ? u2.OutputTokens : DBNull.Value;
        p[13].Value = record.Usage is { } u3 ? u3.CachedInputTokens : DBNull.Value;
        p[14].Value = record.Usage is { } u4 ? u4.ReasoningTokens : DBNull.Value;
        p[15].Value = record.CostUsd is { } cost ? cost.ToString(CultureInfo.InvariantCulture) : DBNull.Value;
        p[16].Value = record.Duration.Ticks;
        p[17].Value = (object?)record.ErrorType ?? DBNull.Value;
        p[18].Value = VerdictsJson(record.VerdictCodes);
        p[19].Value = DurationsJson(record.StageDurations);
        p[20].Value = ScoresJson(record.ModerationScores);
        for (var i = 0; i < record.VerdictCodes.Count && 22 + (2 * i) < p.Count; i++)
        {
            var (stage, code) = SplitVerdict(record.VerdictCodes[i]);
            p[21 + (2 * i)].Value = stage;
            p[22 + (2 * i)].Value = code;
        }
    }

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
        };
    }

    /// <summary>Splits <c>Stage:code</c> at the first colon (codes themselves may hold colons, stage names do not).</summary>
    public static (string Stage, string Code) SplitVerdict(string verdict)
    {
        var colon = verdict.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (string.Empty, verdict) : (verdict[..colon], verdict[(colon + 1)..]);
    }

    private static string? StringOrNull(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static string VerdictsJson(IReadOnlyList<string> verdicts) => Json(writer =>
    {
        foreach (var verdict in verdicts)
        {
            writer.WriteStringValue(verdict);
        }
    });

    private static string DurationsJson(IReadOnlyList<AuditStageDuration> durations) => Json(writer =>
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

    private static string ScoresJson(IReadOnlyList<AuditModerationScore> scores) => Json(writer =>
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

    private static string Json(Action<Utf8JsonWriter> writeItems)
    {
        // One buffer and writer per thread, reset for each list: the writer thread formats thousands of lists a second.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        writer.WriteStartArray();
        writeItems(writer);
        writer.WriteEndArray();
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
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
