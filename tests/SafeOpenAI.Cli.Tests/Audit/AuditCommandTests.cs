using System.Text.Json;
using SafeOpenAI.Sqlite;

namespace SafeOpenAI.Cli.Tests.Audit;

/// <summary><c>safeopenai audit</c> run as a process over a SQLite audit file.</summary>
public class AuditCommandTests
{
    private static readonly string Alice = new('a', 64);
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private string _directory = null!;
    private string _db = null!;

    [OneTimeSetUp]
    public async Task WriteRecords()
    {
        _directory = Directory.CreateTempSubdirectory("safeopenai-cli-audit-").FullName;
        _db = Path.Combine(_directory, "audit.db");
        await using var sink = new SqliteAuditSink(new SqliteAuditOptions { ConnectionString = "Data Source=" + _db });
        await sink.WriteAsync(Record("r1", T0.AddMinutes(1), Alice, AuditOutcome.Completed, null, "Model:model.completed"), CancellationToken.None);
        await sink.WriteAsync(Record("r2", T0.AddMinutes(2), Alice, AuditOutcome.Blocked, "moderation.flagged:violence", "Moderation:moderation.flagged:violence"), CancellationToken.None);
        await sink.WriteAsync(Record("r3", T0.AddMinutes(3), null, AuditOutcome.Blocked, "injection.detected", "PromptInjection:injection.detected"), CancellationToken.None);
        await sink.WriteAsync(Record("r4", T0.AddDays(1), Alice, AuditOutcome.Completed, null, "Model:model.completed"), CancellationToken.None);
    }

    [OneTimeTearDown]
    public void Delete() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void Filters_combine_and_json_lists_the_records_newest_first()
    {
        var (exit, stdout, _) = CliProcess.Run($"audit --db \"{_db}\" --user {Alice} --since 2026-03-01T12:00:30Z --until 2026-03-02 --json");

        Assert.That(exit, Is.Zero);
        using var json = JsonDocument.Parse(stdout);
        Assert.That(json.RootElement.EnumerateArray().Select(r => r.GetProperty("AuditId").GetString()), Is.EqualTo(new[] { "r2", "r1" }));
        Assert.That(json.RootElement[0].GetProperty("Outcome").GetString(), Is.EqualTo("Blocked"));
    }

    [Test]
    public void Flagged_and_code_filters_select_blocked_calls()
    {
        var flagged = CliProcess.Run($"audit --db \"{_db}\" --flagged --json");
        var byCode = CliProcess.Run($"audit --db \"{_db}\" --code moderation.flagged --json");

        Assert.That(Ids(flagged.Stdout), Is.EqualTo(new[] { "r3", "r2" }));
        Assert.That(Ids(byCode.Stdout), Is.EqualTo(new[] { "r2" }));
    }

    [Test]
    public void The_table_names_each_record_and_the_count()
    {
        var (exit, stdout, _) = CliProcess.Run($"audit --db \"{_db}\" --limit 2");

        Assert.That(exit, Is.Zero);
        Assert.That(stdout, Does.Contain("r4").And.Contain("r3").And.Not.Contain("r2 "));
        Assert.That(stdout, Does.Contain("injection.detected").And.Contain("2 record(s)."));
    }

    [TestCase("--since yesterday", "--since")]
    [TestCase("--limit 0", "--limit")]
    public void A_malformed_option_exits_with_2(string option, string named)
    {
        var (exit, _, stderr) = CliProcess.Run($"audit --db \"{_db}\" {option}");

        Assert.That(exit, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain(named));
    }

    [Test]
    public void A_missing_file_exits_with_2() =>
        Assert.That(CliProcess.Run("audit --db /nonexistent/audit.db").Exit, Is.EqualTo(2));

    private static string[] Ids(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().Select(r => r.GetProperty("AuditId").GetString()!).ToArray();
    }

    private static AuditRecord Record(string id, DateTimeOffset at, string? user, AuditOutcome outcome, string? decisive, string verdict) => new()
    {
        AuditId = id,
        Timestamp = at,
        SafetyIdentifier = user,
        Model = "gpt-4o-mini",
        Outcome = outcome,
        InputHash = new string('f', 64),
        VerdictCodes = [verdict],
        DecisiveCode = decisive,
        Usage = new TokenUsage(10, 5),
        CostUsd = 0.0001m,
        Duration = TimeSpan.FromMilliseconds(250),
    };
}
