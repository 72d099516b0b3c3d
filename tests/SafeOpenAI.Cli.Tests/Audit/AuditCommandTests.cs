using System.Text.Json;
using SafeOpenAI.Sqlite;

namespace SafeOpenAI.Cli.Tests.Audit;

/// <summary><c>safeopenai audit</c> run as a process over a SQLite audit file.</summary>
public class AuditCommandTests
{
    private static readonly string Alice = new('a', 64);
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    // Two fixed 256-bit keys (base64), as 'openssl rand -base64 32' prints them.
    private static readonly string Key = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string OtherKey = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());
    private const string Prompt = "My card is 4111 1111 1111 1111,\nwhy was it declined?";
    private const string Answer = "I cannot look up card payments.";
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
        var protector = new AuditContentProtector(Key);
        await sink.WriteAsync(
            Record("r5", T0.AddDays(2), Alice, AuditOutcome.PendingReview, "pii.review", "Pii:pii.review", "review-5", protector.Protect(Prompt, "r5"), protector.Protect(Answer, "r5")),
            CancellationToken.None);
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

        Assert.That(Ids(flagged.Stdout), Is.EqualTo(new[] { "r5", "r3", "r2" }));
        Assert.That(Ids(byCode.Stdout), Is.EqualTo(new[] { "r2" }));
    }

    [Test]
    public void The_table_names_each_record_and_the_count()
    {
        var (exit, stdout, _) = CliProcess.Run($"audit --db \"{_db}\" --limit 2 --until 2026-03-03");

        Assert.That(exit, Is.Zero);
        Assert.That(stdout, Does.Contain("r4").And.Contain("r3").And.Not.Contain("r2 "));
        Assert.That(stdout, Does.Contain("injection.detected").And.Contain("2 record(s)."));
    }

    [Test]
    public void Captured_content_shows_as_encrypted_without_the_key()
    {
        var table = CliProcess.Run($"audit --db \"{_db}\" --review review-5");
        var json = CliProcess.Run($"audit --db \"{_db}\" --review review-5 --json");

        Assert.That((table.Exit, json.Exit), Is.EqualTo((0, 0)));
        Assert.That(table.Stdout, Does.Contain("input:   (encrypted)").And.Contain("output:  (encrypted)").And.Contain("review:  review-5").And.Contain("1 record(s)."));
        using var document = JsonDocument.Parse(json.Stdout);
        var record = document.RootElement.EnumerateArray().Single();
        Assert.That((record.GetProperty("Input").GetString(), record.GetProperty("Output").GetString(), record.GetProperty("ReviewId").GetString()), Is.EqualTo(("(encrypted)", "(encrypted)", "review-5")));
        Assert.That(record.TryGetProperty("EncryptedInput", out _), Is.False, "the ciphertext is not printed");
        Assert.That(table.Stdout + json.Stdout, Does.Not.Contain("4111").And.Not.Contain("declined"));
    }

    [Test]
    public void The_key_from_the_named_environment_variable_decrypts_the_content()
    {
        var environment = new Dictionary<string, string> { ["AUDIT_TEST_CONTENT_KEY"] = Key };

        var table = CliProcess.Run($"audit --db \"{_db}\" --content-key-env AUDIT_TEST_CONTENT_KEY", environment);
        var json = CliProcess.Run($"audit --db \"{_db}\" --flagged --json --content-key-env AUDIT_TEST_CONTENT_KEY", environment);

        Assert.That((table.Exit, json.Exit), Is.EqualTo((0, 0)), table.Stderr + json.Stderr);
        Assert.That(table.Stdout, Does.Contain("input:   My card is 4111 1111 1111 1111,\n             why was it declined?").And.Contain("output:  " + Answer));
        using var document = JsonDocument.Parse(json.Stdout);
        var records = document.RootElement.EnumerateArray().ToArray();
        Assert.That(records.Select(r => r.GetProperty("AuditId").GetString()), Is.EqualTo(new[] { "r5", "r3", "r2" }));
        Assert.That((records[0].GetProperty("Input").GetString(), records[0].GetProperty("Output").GetString()), Is.EqualTo((Prompt, Answer)));
        Assert.That(records[1].GetProperty("Input").ValueKind, Is.EqualTo(JsonValueKind.Null), "nothing captured");
    }

    [Test]
    public void A_wrong_key_fails_naming_both_key_ids_and_prints_no_content()
    {
        var (exit, stdout, stderr) = CliProcess.Run($"audit --db \"{_db}\" --content-key-env AUDIT_TEST_CONTENT_KEY", new Dictionary<string, string> { ["AUDIT_TEST_CONTENT_KEY"] = OtherKey });

        Assert.That(exit, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("r5").And.Contain(new AuditContentProtector(Key).KeyId).And.Contain(new AuditContentProtector(OtherKey).KeyId).And.Contain("AUDIT_TEST_CONTENT_KEY"));
        Assert.That(stderr, Does.Not.Contain(OtherKey));
        Assert.That(stdout, Does.Not.Contain("4111").And.Not.Contain("declined"));
    }

    [TestCase(null, "is not set")]
    [TestCase("c2hvcnQ=", "does not hold an audit content key")]
    public void A_missing_or_malformed_key_exits_with_2_naming_the_variable(string? value, string message)
    {
        var environment = value is null ? null : new Dictionary<string, string> { ["AUDIT_TEST_CONTENT_KEY"] = value };

        var (exit, _, stderr) = CliProcess.Run($"audit --db \"{_db}\" --content-key-env AUDIT_TEST_CONTENT_KEY", environment);

        Assert.That(exit, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("AUDIT_TEST_CONTENT_KEY").And.Contain(message));
        Assert.That(stderr, Does.Not.Contain("c2hvcnQ="));
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

    private static AuditRecord Record(string id, DateTimeOffset at, string? user, AuditOutcome outcome, string? decisive, string verdict, string? review = null, string? input = null, string? output = null) => new()
    {
        ReviewId = review,
        EncryptedInput = input,
        EncryptedOutput = output,
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
