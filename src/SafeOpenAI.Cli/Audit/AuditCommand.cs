using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using SafeOpenAI.Sqlite;

namespace SafeOpenAI.Cli.Audit;

/// <summary>
/// <c>safeopenai audit --db FILE [--user ID] [--code CODE] [--review ID] [--since ISO] [--until ISO] [--flagged] [--limit N] [--content-key-env NAME] [--json]</c>:
/// lists audit records, newest first. Captured content shows as <c>(encrypted)</c> unless the content key is given,
/// by the name of the environment variable that holds it (never on the command line, which shells keep in their history).
/// </summary>
internal static class AuditCommand
{
    /// <summary>What a captured text shows without the content key.</summary>
    public const string Encrypted = "(encrypted)";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
    };

    public static Command Create()
    {
        var db = new Option<FileInfo>("--db") { Description = "The SQLite audit file written by UseSqliteAudit.", Required = true };
        var user = new Option<string?>("--user") { Description = "The safety identifier (the hashed user id, 64 hex characters) to match." };
        var code = new Option<string?>("--code") { Description = "A verdict code (moderation.flagged:violence) or code family (moderation.flagged)." };
        var review = new Option<string?>("--review") { Description = "The id of the human review that holds the call's answer." };
        var since = new Option<string?>("--since") { Description = "Earliest call start, ISO 8601 (2026-03-01 or 2026-03-01T12:00:00Z); UTC when no offset is given." };
        var until = new Option<string?>("--until") { Description = "Call start to stop before, ISO 8601." };
        var flagged = new Option<bool>("--flagged") { Description = "Only blocked calls and calls held for review." };
        var limit = new Option<int>("--limit") { Description = "The most records to list (1 to 10000).", DefaultValueFactory = _ => 100 };
        var keyEnv = new Option<string?>("--content-key-env")
        {
            Description = "The name of an environment variable holding the base64 audit content key (SafeOpenAI:Audit:ContentKey): captured input and output are decrypted and printed. Without it they show as (encrypted).",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON array of records instead of a table." };
        var command = new Command("audit", "List and filter the audit records of a SQLite audit file, newest first.") { db, user, code, review, since, until, flagged, limit, keyEnv, json };
        command.SetAction((parse, token) => RunAsync(
            parse.GetValue(db)!,
            new Filter(parse.GetValue(user), parse.GetValue(code), parse.GetValue(since), parse.GetValue(until), parse.GetValue(flagged), parse.GetValue(limit), parse.GetValue(review)),
            parse.GetValue(keyEnv),
            parse.GetValue(json),
            Console.Out,
            token));
        return command;
    }

    /// <summary>Runs the query and prints the records.</summary>
    /// <returns>0, or 2 when the file is missing, an option is malformed, or the content key is missing, malformed or not the one the content was encrypted under.</returns>
    public static async Task<int> RunAsync(FileInfo db, Filter filter, string? contentKeyVariable, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        if (!db.Exists)
        {
            await Console.Error.WriteLineAsync($"No such file: {db.FullName}").ConfigureAwait(false);
            return 2;
        }

        if (!TryParseTime(filter.Since, "--since", out var since) || !TryParseTime(filter.Until, "--until", out var until))
        {
            return 2;
        }

        if (filter.Limit is < 1 or > AuditQuery.MaxLimit)
        {
            await Console.Error.WriteLineAsync($"--limit must be between 1 and {AuditQuery.MaxLimit}.").ConfigureAwait(false);
            return 2;
        }

        AuditContentProtector? protector = null;
        if (contentKeyVariable is not null && !TryCreateProtector(contentKeyVariable, out protector))
        {
            return 2;
        }

        var store = new SqliteAuditStore("Data Source=" + db.FullName + ";Mode=ReadOnly");
        var records = await store.QueryAsync(
            new AuditQuery
            {
                SafetyIdentifier = filter.User,
                VerdictCode = filter.Code,
                ReviewId = filter.Review,
                Since = since,
                Until = until,
                FlaggedOnly = filter.Flagged,
                Limit = filter.Limit,
            },
            cancellationToken).ConfigureAwait(false);
        var contents = new List<(string? Input, string? Output)>(records.Count);
        foreach (var record in records)
        {
            if (!TryShow(record, record.EncryptedInput, protector, contentKeyVariable, out var input)
                || !TryShow(record, record.EncryptedOutput, protector, contentKeyVariable, out var answer))
            {
                return 2;
            }

            contents.Add((input, answer));
        }

        if (json)
        {
            await output.WriteLineAsync(ToJson(records, contents)).ConfigureAwait(false);
            return 0;
        }

        await output.WriteLineAsync($"{"timestamp (UTC)",-20} {"audit id",-32} {"outcome",-13} {"model",-16} {"user",-12} {"tokens",8} {"cost USD",12} {"ms",7}  decisive code").ConfigureAwait(false);
        for (var i = 0; i < records.Count; i++)
        {
            var r = records[i];
            var user = r.SafetyIdentifier is { } id ? id[..Math.Min(12, id.Length)] : "-";
            var cost = r.CostUsd?.ToString("0.000000", CultureInfo.InvariantCulture) ?? "-";
            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{r.Timestamp.UtcDateTime:yyyy-MM-dd HH:mm:ss} {r.AuditId,-32} {r.Outcome,-13} {r.Model,-16} {user,-12} {r.Usage?.TotalTokens ?? 0,8} {cost,12} {r.Duration.TotalMilliseconds,7:0}  {r.DecisiveCode ?? "-"}")).ConfigureAwait(false);
            await WriteDetailAsync(output, "review", r.ReviewId).ConfigureAwait(false);
            await WriteDetailAsync(output, "input", contents[i].Input).ConfigureAwait(false);
            await WriteDetailAsync(output, "output", contents[i].Output).ConfigureAwait(false);
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{records.Count} record(s).")).ConfigureAwait(false);
        return 0;
    }

    /// <summary>The records as a JSON array: every field, except that the ciphertexts are replaced by <c>Input</c> and <c>Output</c> (the text, <see cref="Encrypted"/>, or null when not captured).</summary>
    private static string ToJson(IReadOnlyList<AuditRecord> records, List<(string? Input, string? Output)> contents)
    {
        var array = new JsonArray();
        for (var i = 0; i < records.Count; i++)
        {
            var node = JsonSerializer.SerializeToNode(records[i], JsonOptions)!.AsObject();
            node.Remove(nameof(AuditRecord.EncryptedInput));
            node.Remove(nameof(AuditRecord.EncryptedOutput));
            node["Input"] = contents[i].Input;
            node["Output"] = contents[i].Output;
            array.Add(node);
        }

        return array.ToJsonString(JsonOptions);
    }

    private static async Task WriteDetailAsync(TextWriter output, string label, string? text)
    {
        if (text is not null)
        {
            // Multi-line texts stay under their record: continuation lines are indented like the first.
            await output.WriteLineAsync($"    {label + ":",-8} {text.ReplaceLineEndings("\n             ")}").ConfigureAwait(false);
        }
    }

    /// <summary>What to show for one captured text: null when none was captured, <see cref="Encrypted"/> without a key, else the decrypted text.</summary>
    private static bool TryShow(AuditRecord record, string? ciphertext, AuditContentProtector? protector, string? keyVariable, out string? shown)
    {
        shown = ciphertext is null ? null : Encrypted;
        if (ciphertext is null || protector is null)
        {
            return true;
        }

        string problem;
        try
        {
            shown = protector.Unprotect(ciphertext, record.AuditId);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            problem = $"it does not authenticate under key {protector.KeyId}: the text was altered or copied from another record.";
        }
        catch (CryptographicException ex)
        {
            // The protector names both key ids: the one the text was encrypted under and the one given.
            problem = ex.Message + " Give the key with that id.";
        }
        catch (FormatException ex)
        {
            problem = ex.Message;
        }

        Console.Error.WriteLine($"Cannot decrypt the content of record {record.AuditId} with the key in {keyVariable}: {problem}");
        return false;
    }

    private static bool TryCreateProtector(string variable, out AuditContentProtector? protector)
    {
        protector = null;
        var key = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(key))
        {
            Console.Error.WriteLine($"--content-key-env: the environment variable {variable} is not set; it must hold the base64 audit content key.");
            return false;
        }

        try
        {
            protector = new AuditContentProtector(key);
            return true;
        }
        catch (ArgumentException)
        {
            // The value is a secret: never echoed.
            Console.Error.WriteLine($"--content-key-env: {variable} does not hold an audit content key (32 bytes, base64-encoded: 44 characters).");
            return false;
        }
    }

    private static bool TryParseTime(string? text, string option, out DateTimeOffset? value)
    {
        value = null;
        if (text is null)
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            value = parsed;
            return true;
        }

        Console.Error.WriteLine($"{option}: '{text}' is not an ISO 8601 date or time.");
        return false;
    }

    /// <summary>The filter options of one run.</summary>
    internal sealed record Filter(string? User, string? Code, string? Since, string? Until, bool Flagged, int Limit, string? Review = null);
}
