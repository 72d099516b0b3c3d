using System.Buffers;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace SafeOpenAI.PostgreSql;

/// <summary>
/// Maps an <see cref="AuditRecord"/> to the columns of <c>safeopenai.audit_records</c> and back: the
/// binary <c>COPY</c> row, the single-row <c>INSERT</c>, and the reader of a <c>SELECT</c> of <see cref="SelectList"/>.
/// </summary>
internal static class PostgreSqlAuditColumns
{
    /// <summary>The written columns, in the order of <see cref="WriteRowAsync"/> and <see cref="AddParameters"/>.</summary>
    public const string InsertList =
        "audit_id, timestamp_ticks, safety_identifier, session_hash, tenant_id, model, outcome, input_hash, output_hash, decisive_code, "
        + "input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, cost_usd, duration_ticks, error_type, "
        + "verdict_codes, verdict_keys, stage_durations, moderation_scores, review_id, encrypted_input, encrypted_output";

    /// <summary>The read columns, in the order <see cref="Read"/> expects them.</summary>
    public const string SelectList =
        "audit_id, timestamp_ticks, safety_identifier, session_hash, tenant_id, model, outcome, input_hash, output_hash, decisive_code, "
        + "input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, cost_usd, duration_ticks, error_type, "
        + "verdict_codes, stage_durations::text, moderation_scores::text, review_id, encrypted_input, encrypted_output";

    /// <summary>Binary COPY of a batch (https://www.postgresql.org/docs/current/sql-copy.html).</summary>
    public const string CopySql = "COPY safeopenai.audit_records (" + InsertList + ") FROM STDIN (FORMAT BINARY)";

    /// <summary>One record per statement: the path of <c>MaxBatchSize = 1</c> and of a failed batch's retry.</summary>
    public static readonly string InsertSql =
        "INSERT INTO safeopenai.audit_records (" + InsertList + ") VALUES ("
        + string.Join(", ", Enumerable.Range(1, InsertList.Split(", ").Length).Select(i => "$" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ")";

    /// <summary>Writes one row of a binary COPY.</summary>
    public static async Task WriteRowAsync(NpgsqlBinaryImporter importer, PostgreSqlAuditRow row, CancellationToken cancellationToken)
    {
        var r = row.Record;
        var usage = r.Usage;
        await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(r.AuditId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(r.Timestamp.UtcTicks, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(importer, r.SafetyIdentifier, cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(importer, r.SessionHash, cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(importer, r.TenantId, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(r.Model, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync((short)r.Outcome, NpgsqlDbType.Smallint, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(r.InputHash, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(importer, r.OutputHash, cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(importer, r.DecisiveCode, cancellationToken).ConfigureAwait(false);
        await WriteIntAsync(importer, usage?.InputTokens, cancellationToken).ConfigureAwait(false);
        await WriteIntAsync(importer, usage?.OutputTokens, cancellationToken).ConfigureAwait(false);
        await WriteIntAsync(importer, usage?.CachedInputTokens, cancellationToken).ConfigureAwait(false);
        await WriteIntAsync(importer, usage?.ReasoningTokens, cancellationToken).ConfigureAwait(false);
        if (r.CostUsd is { } cost)
        {
            await importer.WriteAsync(cost, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
        }

        await importer.WriteAsync(r.Duration.Ticks, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(importer, r.ErrorType, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(row.VerdictCodes, NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(row.VerdictKeys, NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(row.StageDurationsJson, NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(row.ModerationScoresJson, NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(importer, r.ReviewId, cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(importer, r.EncryptedInput, cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(importer, r.EncryptedOutput, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds the parameters of <see cref="InsertSql"/> for one row.</summary>
    public static void AddParameters(NpgsqlParameterCollection parameters, PostgreSqlAuditRow row)
    {
        var r = row.Record;
        var usage = r.Usage;
        parameters.Add(Parameter(r.AuditId, NpgsqlDbType.Text));
        parameters.Add(Parameter(r.Timestamp.UtcTicks, NpgsqlDbType.Bigint));
        parameters.Add(Parameter(r.SafetyIdentifier, NpgsqlDbType.Text));
        parameters.Add(Parameter(r.SessionHash, NpgsqlDbType.Text));
        parameters.Add(Parameter(r.TenantId, NpgsqlDbType.Text));
        parameters.Add(Parameter(r.Model, NpgsqlDbType.Text));
        parameters.Add(Parameter((short)r.Outcome, NpgsqlDbType.Smallint));
        parameters.Add(Parameter(r.InputHash, NpgsqlDbType.Text));
        parameters.Add(Parameter(r.OutputHash, NpgsqlDbType.Text));
        parameters.Add(Parameter(r.DecisiveCode, NpgsqlDbType.Text));
        parameters.Add(Parameter(usage?.InputTokens, NpgsqlDbType.Integer));
        parameters.Add(Parameter(usage?.OutputTokens, NpgsqlDbType.Integer));
        parameters.Add(Parameter(usage?.CachedInputTokens, NpgsqlDbType.Integer));
        parameters.Add(Parameter(usage?.ReasoningTokens, NpgsqlDbType.Integer));
        parameters.Add(Parameter(r.CostUsd, NpgsqlDbType.Numeric));
        parameters.Add(Parameter(r.Duration.Ticks, NpgsqlDbType.Bigint));
        parameters.Add(Parameter(r.ErrorType, NpgsqlDbType.Text));
        parameters.Add(Parameter(row.VerdictCodes, NpgsqlDbType.Array | NpgsqlDbType.Text));
        parameters.Add(Parameter(row.VerdictKeys, NpgsqlDbType.Array | NpgsqlDbType.Text));
        parameters.Add(Parameter(row.StageDurationsJson, NpgsqlDbType.Jsonb));
        parameters.Add(Parameter(row.ModerationScoresJson, NpgsqlDbType.Jsonb));
        parameters.Add(Parameter(r.ReviewId, NpgsqlDbType.Text));
        parameters.Add(Parameter(r.EncryptedInput, NpgsqlDbType.Text));
        parameters.Add(Parameter(r.EncryptedOutput, NpgsqlDbType.Text));
    }

    /// <summary>Reads one record from a row of <see cref="SelectList"/>.</summary>
    public static AuditRecord Read(NpgsqlDataReader reader)
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
            Outcome = (AuditOutcome)reader.GetInt16(6),
            InputHash = reader.GetString(7),
            OutputHash = StringOrNull(reader, 8),
            DecisiveCode = StringOrNull(reader, 9),
            Usage = usage,
            CostUsd = reader.IsDBNull(14) ? null : reader.GetDecimal(14),
            Duration = TimeSpan.FromTicks(reader.GetInt64(15)),
            ErrorType = StringOrNull(reader, 16),
            VerdictCodes = reader.GetFieldValue<string[]>(17),
            StageDurations = ReadStageDurations(reader.GetString(18)),
            ModerationScores = ReadModerationScores(reader.GetString(19)),
            ReviewId = StringOrNull(reader, 20),
            EncryptedInput = StringOrNull(reader, 21),
            EncryptedOutput = StringOrNull(reader, 22),
        };
    }

    /// <summary>
    /// Computes what "by verdict code" matches for a record: each verdict's code without its stage (the
    /// part before the first colon; a verdict without a colon is all code), and each family of that code
    /// (the code up to each of its colons), distinct, in first-seen order.
    /// </summary>
    /// <param name="verdicts">The record's verdicts, as <c>Stage:code</c>.</param>
    /// <returns>The keys.</returns>
    public static string[] VerdictKeys(IReadOnlyList<string> verdicts)
    {
        var keys = new List<string>(verdicts.Count * 2);
        foreach (var verdict in verdicts)
        {
            var colon = verdict.IndexOf(':', StringComparison.Ordinal);
            var code = colon < 0 ? verdict : verdict[(colon + 1)..];
            for (var i = code.IndexOf(':', StringComparison.Ordinal); i >= 0; i = code.IndexOf(':', i + 1))
            {
                Add(keys, code[..i]);
            }

            Add(keys, code);
        }

        return [.. keys];

        static void Add(List<string> keys, string key)
        {
            if (!keys.Contains(key, StringComparer.Ordinal))
            {
                keys.Add(key);
            }
        }
    }

    /// <summary>Formats stage durations as a jsonb array of <c>{"stage", "phase", "ticks"}</c> objects (phase by name, for operators).</summary>
    public static string StageDurationsJson(IReadOnlyList<AuditStageDuration> durations) => Json(writer =>
    {
        foreach (var d in durations)
        {
            writer.WriteStartObject();
            writer.WriteString("stage", d.Stage);
            writer.WriteString("phase", d.Phase.ToString());
            writer.WriteNumber("ticks", d.Duration.Ticks);
            writer.WriteEndObject();
        }
    });

    /// <summary>Formats moderation scores as a jsonb array of <c>{"phase", "category", "score", "flagged"}</c> objects; a score keeps its shortest round-trip form.</summary>
    public static string ModerationScoresJson(IReadOnlyList<AuditModerationScore> scores) => Json(writer =>
    {
        foreach (var s in scores)
        {
            writer.WriteStartObject();
            writer.WriteString("phase", s.Phase.ToString());
            writer.WriteString("category", s.Category);
            writer.WriteNumber("score", s.Score);
            writer.WriteBoolean("flagged", s.Flagged);
            writer.WriteEndObject();
        }
    });

    private static AuditStageDuration[] ReadStageDurations(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(e => new AuditStageDuration(
            e.GetProperty("stage").GetString()!,
            Enum.Parse<SafetyPhase>(e.GetProperty("phase").GetString()!),
            TimeSpan.FromTicks(e.GetProperty("ticks").GetInt64())))];
    }

    private static AuditModerationScore[] ReadModerationScores(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(e => new AuditModerationScore(
            Enum.Parse<SafetyPhase>(e.GetProperty("phase").GetString()!),
            e.GetProperty("category").GetString()!,
            e.GetProperty("score").GetDouble(),
            e.GetProperty("flagged").GetBoolean()))];
    }

    private static string Json(Action<Utf8JsonWriter> writeItems)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writeItems(writer);
            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static NpgsqlParameter Parameter(object? value, NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };

    private static string? StringOrNull(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static Task WriteTextAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);

    private static Task WriteIntAsync(NpgsqlBinaryImporter importer, int? value, CancellationToken cancellationToken) =>
        value is { } v ? importer.WriteAsync(v, NpgsqlDbType.Integer, cancellationToken) : importer.WriteNullAsync(cancellationToken);
}
