using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using SafeOpenAI.Sqlite;

namespace SafeOpenAI.Cli.Audit;

/// <summary><c>safeopenai audit --db FILE [--user ID] [--code CODE] [--since ISO] [--until ISO] [--flagged] [--limit N] [--json]</c>: lists audit records, newest first.</summary>
internal static class AuditCommand
{
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
        var since = new Option<string?>("--since") { Description = "Earliest call start, ISO 8601 (2026-03-01 or 2026-03-01T12:00:00Z); UTC when no offset is given." };
        var until = new Option<string?>("--until") { Description = "Call start to stop before, ISO 8601." };
        var flagged = new Option<bool>("--flagged") { Description = "Only blocked calls and calls held for review." };
        var limit = new Option<int>("--limit") { Description = "The most records to list (1 to 10000).", DefaultValueFactory = _ => 100 };
        var json = new Option<bool>("--json") { Description = "Print one JSON array of records instead of a table." };
        var command = new Command("audit", "List and filter the audit records of a SQLite audit file, newest first.") { db, user, code, since, until, flagged, limit, json };
        command.SetAction((parse, token) => RunAsync(
            parse.GetValue(db)!,
            new Filter(parse.GetValue(user), parse.GetValue(code), parse.GetValue(since), parse.GetValue(until), parse.GetValue(flagged), parse.GetValue(limit)),
            parse.GetValue(json),
            Console.Out,
            token));
        return command;
    }

    /// <summary>Runs the query and prints the records.</summary>
    /// <returns>0, or 2 when the file is missing or an option is malformed.</returns>
    public static async Task<int> RunAsync(FileInfo db, Filter filter, bool json, TextWriter output, CancellationToken cancellationToken)
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

        if (filter.Limit is < 1 or > SqliteAuditQuery.MaxLimit)
        {
            await Console.Error.WriteLineAsync($"--limit must be between 1 and {SqliteAuditQuery.MaxLimit}.").ConfigureAwait(false);
            return 2;
        }

        var store = new SqliteAuditStore("Data Source=" + db.FullName + ";Mode=ReadOnly");
        var records = await store.QueryAsync(
            new SqliteAuditQuery
            {
                SafetyIdentifier = filter.User,
                VerdictCode = filter.Code,
                Since = since,
                Until = until,
                FlaggedOnly = filter.Flagged,
                Limit = filter.Limit,
            },
            cancellationToken).ConfigureAwait(false);
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(records, JsonOptions)).ConfigureAwait(false);
            return 0;
        }

        await output.WriteLineAsync($"{"timestamp (UTC)",-20} {"audit id",-32} {"outcome",-13} {"model",-16} {"user",-12} {"tokens",8} {"cost USD",12} {"ms",7}  decisive code").ConfigureAwait(false);
        foreach (var r in records)
        {
            var user = r.SafetyIdentifier is { } id ? id[..Math.Min(12, id.Length)] : "-";
            var cost = r.CostUsd?.ToString("0.000000", CultureInfo.InvariantCulture) ?? "-";
            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{r.Timestamp.UtcDateTime:yyyy-MM-dd HH:mm:ss} {r.AuditId,-32} {r.Outcome,-13} {r.Model,-16} {user,-12} {r.Usage?.TotalTokens ?? 0,8} {cost,12} {r.Duration.TotalMilliseconds,7:0}  {r.DecisiveCode ?? "-"}")).ConfigureAwait(false);
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{records.Count} record(s).")).ConfigureAwait(false);
        return 0;
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
    internal sealed record Filter(string? User, string? Code, string? Since, string? Until, bool Flagged, int Limit);
}
