using System.Text.Json;
using System.Text.Json.Nodes;
using SafeOpenAI.Cli.Check;

namespace SafeOpenAI.Cli.Tests.Check;

/// <summary><c>safeopenai check</c> run in-process through <see cref="CheckCommand.RunAsync"/> over real files.</summary>
public class CheckCommandTests
{
    /// <summary>Every item, in document order.</summary>
    private static readonly string[] AllIds =
    [
        "configuration.valid", "configuration.api_key", "configuration.secrets",
        "input.spotlighting", "input.prompt_injection", "input.pii_redaction", "input.secrets", "input.length", "input.off_topic",
        "moderation.input", "moderation.output", "moderation.fail_closed",
        "output.token_cap", "output.validation", "output.groundedness", "output.tool_calls", "output.url_filter", "output.keyword_filters",
        "limits.rate_per_user", "limits.budget_per_user", "limits.cost_monitoring", "limits.shared",
        "oversight.audit", "oversight.alerts", "oversight.anomaly", "oversight.safety_identifier", "oversight.human_review",
        "oversight.feedback", "oversight.incident_contact", "oversight.limited_release",
        "redteam.recorded",
    ];

    private CheckFixture _fixture = null!;

    [SetUp]
    public void CreateFolder() => _fixture = new CheckFixture();

    [TearDown]
    public void DeleteFolder() => _fixture.Dispose();

    [Test]
    public async Task The_documented_example_configuration_passes_every_item()
    {
        var (exit, stdout, stderr) = await _fixture.RunAsync();

        var items = Items(stdout);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, stdout);
            Assert.That(stderr, Is.Empty);
            Assert.That(items.Select(i => i.Id), Is.EqualTo(AllIds));
            Assert.That(items.Where(i => i.Status != "pass").Select(i => $"{i.Id}: {i.Detail}"), Is.Empty);
        });
    }

    [Test]
    public async Task A_bad_configuration_fails_exactly_the_broken_items_with_their_keys()
    {
        _fixture.WriteConfig(s =>
        {
            s["Moderation"]!["CheckOutput"] = false;
            s["Identity"]!["AllowUnkeyedHashing"] = true;
            s["Deployment"]!.AsObject().Remove("IncidentContact");
        });
        _fixture.Environment.Remove("SafeOpenAI__Identity__HashKey");
        _fixture.WriteReport(("direct_injection", 40, 1), ("jailbreak", 30, 6), ("pii_exfiltration", 20, 0));

        var (exit, stdout, _) = await _fixture.RunAsync();

        var failed = Items(stdout).Where(i => i.Status != "pass").ToDictionary(i => i.Id);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(1));
            Assert.That(failed.Keys, Is.EquivalentTo(new[] { "moderation.output", "oversight.safety_identifier", "oversight.incident_contact", "redteam.recorded" }));
            Assert.That(failed.Values.Select(i => i.Status), Is.All.EqualTo("fail"));
            Assert.That(failed["moderation.output"].Key, Is.EqualTo("SafeOpenAI:Moderation:CheckOutput"));
            Assert.That(failed["oversight.safety_identifier"].Key, Is.EqualTo("SafeOpenAI:Identity:AllowUnkeyedHashing"));
            Assert.That(failed["oversight.incident_contact"].Key, Is.EqualTo("SafeOpenAI:Deployment:IncidentContact"));
            Assert.That(failed["redteam.recorded"].Key, Is.EqualTo("SafeOpenAI:Deployment:RedTeamReport"));
            Assert.That(failed["redteam.recorded"].Detail, Does.Contain("jailbreak 20.0 % (6 of 30)").And.Not.Contain("direct_injection"));
        });
    }

    [Test]
    public async Task A_report_older_than_the_limit_fails_naming_its_age()
    {
        _fixture.Time.SetUtcNow(CheckFixture.RunFinished.AddDays(45));

        var item = Items((await _fixture.RunAsync()).Stdout).Single(i => i.Id == "redteam.recorded");

        Assert.Multiple(() =>
        {
            Assert.That(item.Status, Is.EqualTo("fail"));
            Assert.That(item.Key, Is.EqualTo("SafeOpenAI:Deployment:RedTeamMaxAgeDays"));
            Assert.That(item.Detail, Does.Contain("45 days ago").And.Contain("limit is 30 days"));
        });
    }

    [Test]
    public async Task A_missing_or_foreign_report_file_fails_naming_the_file()
    {
        var report = Path.Combine(_fixture.Directory, "redteam.json");
        File.Delete(report);
        var missing = Items((await _fixture.RunAsync()).Stdout).Single(i => i.Id == "redteam.recorded");
        File.WriteAllText(report, "{\"total_attacks\": \"many\"}");
        var foreign = Items((await _fixture.RunAsync()).Stdout).Single(i => i.Id == "redteam.recorded");
        _fixture.WriteConfig(s => s["Deployment"]!.AsObject().Remove("RedTeamReport"));
        var unset = Items((await _fixture.RunAsync()).Stdout).Single(i => i.Id == "redteam.recorded");

        Assert.Multiple(() =>
        {
            Assert.That(missing.Status, Is.EqualTo("fail"));
            Assert.That(missing.Detail, Does.Contain(report).And.Contain("does not exist"));
            Assert.That(foreign.Status, Is.EqualTo("fail"));
            Assert.That(foreign.Detail, Does.Contain(report).And.Contain("is not a 'safeopenai redteam --format json' report"));
            Assert.That(unset.Status, Is.EqualTo("fail"));
            Assert.That(unset.Detail, Does.Contain("No red-team run is recorded"));
            Assert.That(new[] { missing.Key, foreign.Key, unset.Key }, Is.All.EqualTo("SafeOpenAI:Deployment:RedTeamReport"));
        });
    }

    [Test]
    public async Task A_run_with_fewer_than_twenty_attacks_fails()
    {
        _fixture.WriteReport(("direct_injection", 12, 0));

        var item = Items((await _fixture.RunAsync()).Stdout).Single(i => i.Id == "redteam.recorded");

        Assert.That(item.Status, Is.EqualTo("fail"));
        Assert.That(item.Detail, Does.Contain("12 attacks").And.Contain("at least 20"));
    }

    [Test]
    public async Task A_run_against_another_configuration_fails_and_one_without_a_fingerprint_warns()
    {
        _fixture.WriteConfig(s => s["Defenses"]!["PromptInjection"]!["Enabled"] = false, redTeamAgain: false);
        var changed = Items((await _fixture.RunAsync()).Stdout).Single(i => i.Id == "redteam.recorded");

        var report = Path.Combine(_fixture.Directory, "redteam.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(report))!;
        json["run"]!.AsObject().Remove("configuration_fingerprint");
        File.WriteAllText(report, json.ToJsonString());
        var unknown = Items((await _fixture.RunAsync()).Stdout).Single(i => i.Id == "redteam.recorded");

        _fixture.WriteConfig(s => s["Defenses"]!["PromptInjection"]!["Enabled"] = false);
        var again = Items((await _fixture.RunAsync()).Stdout).Single(i => i.Id == "redteam.recorded");

        Assert.Multiple(() =>
        {
            Assert.That(changed.Status, Is.EqualTo("fail"));
            Assert.That(changed.Detail, Does.Contain("attacked another configuration"));
            Assert.That(unknown.Status, Is.EqualTo("warn"));
            Assert.That(unknown.Detail, Does.Contain("configuration_fingerprint"));
            Assert.That(again.Status, Is.EqualTo("pass"), "a run recorded against the changed configuration passes");
        });
    }

    [Test]
    public async Task An_incomplete_run_fails()
    {
        _fixture.WriteReport(CheckFixture.RunFinished, notRun: 37, ("direct_injection", 40, 0));

        var item = Items((await _fixture.RunAsync()).Stdout).Single(i => i.Id == "redteam.recorded");

        Assert.That(item.Status, Is.EqualTo("fail"));
        Assert.That(item.Detail, Does.Contain("incomplete").And.Contain("37 cases not run"));
    }

    [Test]
    public async Task Strict_turns_warnings_into_exit_1()
    {
        _fixture.WriteConfig(s =>
        {
            s["Alerts"]!.AsObject().Remove("Webhooks");
            s["Access"]!["LimitedRelease"]!["Enabled"] = false;
        });

        var relaxed = await _fixture.RunAsync();
        var strict = await _fixture.RunAsync(strict: true);

        var warned = Items(relaxed.Stdout).Where(i => i.Status != "pass").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(warned.Select(i => (i.Id, i.Status, i.Key)), Is.EquivalentTo(new[]
            {
                ("oversight.alerts", "warn", "SafeOpenAI:Alerts:Webhooks:0:Url"),
                ("oversight.limited_release", "warn", "SafeOpenAI:Access:LimitedRelease:Enabled"),
            }));
            Assert.That(relaxed.Exit, Is.Zero);
            Assert.That(strict.Exit, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Json_output_follows_the_documented_contract_field_by_field()
    {
        _fixture.WriteConfig(s => s["Budget"]!["RequestsPerMinute"] = string.Empty);

        var (exit, stdout, _) = await _fixture.RunAsync(new CheckCommand.Arguments(_fixture.ConfigPath, Json: true));

        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.That(root.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "configuration", "checked_utc", "passed", "warnings", "failed", "items" }));
        var items = root.GetProperty("items").EnumerateArray().ToList();
        var rate = items.Single(i => i.GetProperty("id").GetString() == "limits.rate_per_user");
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(1));
            Assert.That(root.GetProperty("configuration").GetString(), Is.EqualTo(_fixture.ConfigPath));
            Assert.That(root.GetProperty("checked_utc").GetDateTimeOffset(), Is.EqualTo(_fixture.Time.GetUtcNow()));
            Assert.That(root.GetProperty("passed").GetInt32(), Is.EqualTo(AllIds.Length - 1));
            Assert.That(root.GetProperty("warnings").GetInt32(), Is.Zero);
            Assert.That(root.GetProperty("failed").GetInt32(), Is.EqualTo(1));
            Assert.That(items, Has.Count.EqualTo(AllIds.Length));
            foreach (var item in items)
            {
                Assert.That(item.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "id", "title", "status", "key", "detail", "source" }));
                Assert.That(item.EnumerateObject().Select(p => p.Value.GetString()), Is.All.Not.Empty);
                Assert.That(item.GetProperty("key").GetString(), Does.StartWith("SafeOpenAI"));
            }

            Assert.That(rate.GetProperty("title").GetString(), Is.EqualTo("Per-user rate limit"));
            Assert.That(rate.GetProperty("status").GetString(), Is.EqualTo("fail"));
            Assert.That(rate.GetProperty("key").GetString(), Is.EqualTo("SafeOpenAI:Budget:RequestsPerMinute"));
            Assert.That(rate.GetProperty("detail").GetString(), Does.Contain("No per-user rate limit"));
            Assert.That(rate.GetProperty("source").GetString(), Does.Contain("Configure rate limiting per user"));
        });
    }

    [Test]
    public async Task Markdown_is_the_safety_measures_document_with_the_open_items()
    {
        _fixture.WriteConfig(s =>
        {
            s["Defenses"]!["Spotlighting"]!["Enabled"] = false;
            s["Redis"]!.AsObject().Remove("Configuration");
        });
        var output = Path.Combine(_fixture.Directory, "safety-measures.md");

        var (exit, stdout, _) = await _fixture.RunAsync(new CheckCommand.Arguments(_fixture.ConfigPath, Format: "markdown", Output: output));

        var document = File.ReadAllText(output);
        var openItems = document[document.IndexOf("## Open items", StringComparison.Ordinal)..];
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(1));
            Assert.That(stdout, Does.StartWith($"check: {AllIds.Length - 2} passed, 1 warnings, 1 failed"));
            Assert.That(document, Does.StartWith("# Safety measures in force: Support assistant"));
            Assert.That(document, Does.Contain("Checked on 2026-05-04 09:30 UTC"));
            foreach (var heading in new[] { "## Input defenses", "## Moderation", "## Output checks", "## Limits and budgets", "## Oversight", "## Red-team result" })
            {
                Assert.That(document, Does.Contain(heading + "\n"), heading);
            }

            Assert.That(document, Does.Contain("- **Moderation of input**: User input is moderated with omni-moderation-latest").And.Contain("(`SafeOpenAI:Moderation:CheckInput`;"));
            Assert.That(document, Does.Contain("Safety incidents go to safety-incidents@example.com."));
            Assert.That(document, Does.Contain("| direct_injection | 40 | 1 | 2.5 % |"));
            Assert.That(document, Does.Contain("| jailbreak | 30 | 0 | 0.0 % |"));
            Assert.That(openItems, Does.Contain("| fail | Delimiter strategy (spotlighting) (`input.spotlighting`) | `SafeOpenAI:Defenses:Spotlighting:Enabled` |"));
            Assert.That(openItems, Does.Contain("| warn | Budgets shared across instances (`limits.shared`) | `SafeOpenAI:Redis:Configuration` |"));
            Assert.That(document[..document.IndexOf("## Open items", StringComparison.Ordinal)], Does.Not.Contain("Delimiter strategy"));
        });
    }

    [Test]
    public async Task The_table_shows_status_key_and_what_to_do_and_the_summary_line()
    {
        _fixture.WriteConfig(s => s["Moderation"]!["FailurePolicy"] = "FailOpen");

        var (exit, stdout, _) = await _fixture.RunAsync(format: "table");

        var row = stdout.Split('\n').First(l => l.Contains("Moderation fails closed", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero);
            Assert.That(row, Does.Contain("WARN").And.Contain("SafeOpenAI:Moderation:FailurePolicy"));
            Assert.That(stdout, Does.Contain("FailOpen: when the moderation service fails"));
            Assert.That(stdout.TrimEnd(), Does.EndWith($"check: {AllIds.Length - 1} passed, 1 warnings, 0 failed"));
        });
    }

    [Test]
    public async Task Secrets_are_never_printed_in_any_format()
    {
        const string ContentKey = "Q09OVEVOVEtFWVNFQ1JFVDAxMjM0NTY3ODlhYmNkZWY=";
        const string RedisPassword = "R3disPassw0rdSECRET";
        _fixture.WriteConfig(s =>
        {
            s["ApiKey"] = CheckFixture.ApiKey;
            s["Identity"]!["HashKey"] = CheckFixture.HashKey;
            s["Audit"]!["ContentKey"] = ContentKey;
            s["Review"]!["MaterialKey"] = CheckFixture.MaterialKey;
            s["Redis"]!["Configuration"] = $"redis.internal:6379,password={RedisPassword}";
        });
        var outputs = new List<string>();
        int? exit = null;
        foreach (var format in new[] { "table", "json", "markdown" })
        {
            var file = Path.Combine(_fixture.Directory, "out." + format);
            var direct = await _fixture.RunAsync(format);
            var toFile = await _fixture.RunAsync(new CheckCommand.Arguments(_fixture.ConfigPath, Format: format, Output: file));
            outputs.AddRange([direct.Stdout, direct.Stderr, toFile.Stdout, toFile.Stderr, File.ReadAllText(file)]);
            exit = direct.Exit;
        }

        var json = Items((await _fixture.RunAsync()).Stdout).ToDictionary(i => i.Id);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(1));
            Assert.That(json["configuration.api_key"].Status, Is.EqualTo("fail"));
            Assert.That(json["configuration.api_key"].Detail, Does.Contain($"set, {CheckFixture.ApiKey.Length} characters"));
            Assert.That(json["configuration.secrets"].Status, Is.EqualTo("fail"));
            Assert.That(json["configuration.secrets"].Detail, Does.Contain("SafeOpenAI:Identity:HashKey").And.Contain("SafeOpenAI:Audit:ContentKey")
                .And.Contain("SafeOpenAI:Review:MaterialKey").And.Contain("SafeOpenAI:Redis:Configuration"));
            foreach (var secret in new[] { CheckFixture.ApiKey, CheckFixture.HashKey, CheckFixture.MaterialKey, ContentKey, RedisPassword })
            {
                Assert.That(outputs, Has.None.Contain(secret), "a secret was printed");
            }
        });
    }

    [Test]
    public async Task An_unset_api_key_warns_that_it_comes_from_OPENAI_API_KEY()
    {
        _fixture.Environment.Remove("SafeOpenAI__ApiKey");

        var (exit, stdout, _) = await _fixture.RunAsync();

        var items = Items(stdout).ToDictionary(i => i.Id);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero);
            Assert.That(items["configuration.valid"].Status, Is.EqualTo("pass"), "a missing key is not a validation failure");
            Assert.That(items["configuration.api_key"].Status, Is.EqualTo("warn"));
            Assert.That(items["configuration.api_key"].Detail, Does.StartWith("API key comes from OPENAI_API_KEY at run time"));
        });
    }

    [Test]
    public async Task A_validation_error_fails_the_configuration_item_naming_its_key()
    {
        _fixture.WriteConfig(s => s["MaxReasks"] = 9);

        var item = Items((await _fixture.RunAsync()).Stdout).Single(i => i.Id == "configuration.valid");

        Assert.Multiple(() =>
        {
            Assert.That(item.Status, Is.EqualTo("fail"));
            Assert.That(item.Key, Is.EqualTo("SafeOpenAI:MaxReasks"));
            Assert.That(item.Detail, Does.Contain("SafeOpenAI:MaxReasks"));
        });
    }

    [Test]
    public async Task The_environment_file_and_environment_variables_are_layered_over_the_file()
    {
        _fixture.WriteConfig(s => s["Moderation"]!["CheckInput"] = false, Path.Combine(_fixture.Directory, "appsettings.Staging.json"));
        var staging = Items((await _fixture.RunAsync(new CheckCommand.Arguments(_fixture.ConfigPath, Environment: "Staging", Json: true))).Stdout);
        _fixture.Environment["SafeOpenAI__Moderation__CheckInput"] = "true";
        var overridden = Items((await _fixture.RunAsync(new CheckCommand.Arguments(_fixture.ConfigPath, Environment: "Staging", Json: true))).Stdout);
        var production = Items((await _fixture.RunAsync()).Stdout);

        Assert.Multiple(() =>
        {
            Assert.That(staging.Single(i => i.Id == "moderation.input").Status, Is.EqualTo("fail"));
            Assert.That(overridden.Single(i => i.Id == "moderation.input").Status, Is.EqualTo("pass"));
            Assert.That(production.Single(i => i.Id == "moderation.input").Status, Is.EqualTo("pass"));
        });
    }

    [TestCase("Deployment", "RiskDomains", "oversight.human_review", "pass", "SafeOpenAI:Deployment:RiskDomains", "None declared")]
    [TestCase("Review", "Sqlite", "oversight.human_review", "fail", "SafeOpenAI:Review:Sqlite:ConnectionString", "finance")]
    [TestCase("Budget", "Limits", "limits.budget_per_user", "warn", "SafeOpenAI:Budget:Limits", "built-in default")]
    [TestCase("Audit", "Sqlite", "oversight.audit", "fail", "SafeOpenAI:Audit:Sqlite:ConnectionString", "logger only")]
    [TestCase("Deployment", "FeedbackChannel", "oversight.feedback", "pass", "SafeOpenAI:Deployment:FeedbackChannel", "feedback inbox")]
    public async Task Removing_a_key_gives_the_documented_status(string section, string name, string id, string status, string key, string detail)
    {
        _fixture.WriteConfig(s => s[section]!.AsObject().Remove(name));

        var item = Items((await _fixture.RunAsync()).Stdout).Single(i => i.Id == id);

        Assert.Multiple(() =>
        {
            Assert.That(item.Status, Is.EqualTo(status));
            Assert.That(item.Key, Is.EqualTo(key));
            Assert.That(item.Detail, Does.Contain(detail));
        });
    }

    [Test]
    public async Task A_shared_postgresql_store_in_place_of_the_sqlite_files_passes_the_audit_and_review_items()
    {
        _fixture.WriteConfig(s =>
        {
            s["Audit"]!.AsObject().Remove("Sqlite");
            s["Review"]!.AsObject().Remove("Sqlite");
            s["PostgreSql"] = new System.Text.Json.Nodes.JsonObject { ["ConnectionString"] = "Host=db.internal;Database=app;Username=app" };
        });

        var items = Items((await _fixture.RunAsync()).Stdout);
        var audit = items.Single(i => i.Id == "oversight.audit");
        var review = items.Single(i => i.Id == "oversight.human_review");

        Assert.Multiple(() =>
        {
            Assert.That(audit.Status, Is.EqualTo("pass"));
            Assert.That(audit.Key, Is.EqualTo("SafeOpenAI:PostgreSql:ConnectionString"));
            Assert.That(audit.Detail, Does.Contain("UsePostgreSqlStore"));
            Assert.That(review.Status, Is.EqualTo("pass"));
            Assert.That(review.Detail, Does.Contain("PostgreSQL, shared by every instance"));
        });
    }

    [Test]
    public async Task A_postgresql_password_written_in_the_file_is_reported_by_key_only()
    {
        _fixture.WriteConfig(s => s["PostgreSql"] = new System.Text.Json.Nodes.JsonObject { ["ConnectionString"] = "Host=db.internal;Database=app;Username=app;Password=pg-secret-in-file" });

        var result = await _fixture.RunAsync();
        var secrets = Items(result.Stdout).Single(i => i.Id == "configuration.secrets");

        Assert.Multiple(() =>
        {
            Assert.That(secrets.Status, Is.EqualTo("fail"));
            Assert.That(secrets.Detail, Does.Contain("SafeOpenAI:PostgreSql:ConnectionString"));
            Assert.That(result.Stdout + result.Stderr, Does.Not.Contain("pg-secret-in-file"));
        });
    }

    [TestCase("Groundedness", "UsesSources", "output.groundedness")]
    [TestCase("ToolCalls", "UsesTools", "output.tool_calls")]
    public async Task An_output_check_is_required_only_when_the_application_declares_what_it_checks(string defense, string declaration, string id)
    {
        _fixture.WriteConfig(s => s["Defenses"]![defense]!["Enabled"] = false);
        var declared = Items((await _fixture.RunAsync()).Stdout).Single(i => i.Id == id);
        _fixture.WriteConfig(s =>
        {
            s["Defenses"]![defense]!["Enabled"] = false;
            s["Deployment"]![declaration] = false;
        });
        var undeclared = Items((await _fixture.RunAsync()).Stdout).Single(i => i.Id == id);

        Assert.Multiple(() =>
        {
            Assert.That(declared.Status, Is.EqualTo("fail"));
            Assert.That(declared.Key, Is.EqualTo($"SafeOpenAI:Defenses:{defense}:Enabled"));
            Assert.That(undeclared.Status, Is.EqualTo("pass"));
        });
    }

    [Test]
    public async Task The_url_filter_warns_when_off_or_when_answers_are_not_filtered()
    {
        var on = await ItemAsync("output.url_filter");
        _fixture.WriteConfig(s => s["Defenses"]!["UrlFilter"]!["Enabled"] = false);
        var off = await ItemAsync("output.url_filter");
        _fixture.WriteConfig(s => s["Defenses"]!["UrlFilter"]!["Direction"] = "Input");
        var inputOnly = await ItemAsync("output.url_filter");

        Assert.Multiple(() =>
        {
            Assert.That((on.Status, on.Key), Is.EqualTo(("pass", "SafeOpenAI:Defenses:UrlFilter:Enabled")));
            Assert.That(on.Detail, Does.Contain("questions and answers").And.Contain("2 allowed host pattern(s)"));
            Assert.That((off.Status, off.Key), Is.EqualTo(("warn", "SafeOpenAI:Defenses:UrlFilter:Enabled")));
            Assert.That((inputOnly.Status, inputOnly.Key), Is.EqualTo(("warn", "SafeOpenAI:Defenses:UrlFilter:Direction")));
            Assert.That(inputOnly.Detail, Does.Contain("answers"));
        });
    }

    [Test]
    public async Task The_keyword_filters_pass_when_unused_or_filtering_answers_and_warn_when_input_only()
    {
        var unused = await ItemAsync("output.keyword_filters");
        _fixture.WriteConfig(s =>
        {
            s["Defenses"]!["KeywordFilter"] = new JsonObject { ["Enabled"] = true, ["Keywords"] = new JsonArray("project falcon") };
            s["Defenses"]!["CompetitorFilter"] = new JsonObject { ["Enabled"] = true, ["Keywords"] = new JsonArray("Acme", "Globex") };
        });
        var both = await ItemAsync("output.keyword_filters");
        _fixture.WriteConfig(s => s["Defenses"]!["CompetitorFilter"] = new JsonObject { ["Enabled"] = true, ["Keywords"] = new JsonArray("Acme"), ["Direction"] = "Input" });
        var competitorInputOnly = await ItemAsync("output.keyword_filters");
        _fixture.WriteConfig(s => s["Defenses"]!["KeywordFilter"] = new JsonObject { ["Enabled"] = true });
        var noTerms = await ItemAsync("output.keyword_filters");

        Assert.Multiple(() =>
        {
            Assert.That(unused.Status, Is.EqualTo("pass"));
            Assert.That(unused.Detail, Does.Contain("None configured"));
            Assert.That(both.Status, Is.EqualTo("pass"));
            Assert.That(both.Detail, Does.Contain("1 blocked terms").And.Contain("2 competitor names"));
            Assert.That((competitorInputOnly.Status, competitorInputOnly.Key), Is.EqualTo(("warn", "SafeOpenAI:Defenses:CompetitorFilter:Direction")));
            Assert.That((noTerms.Status, noTerms.Key), Is.EqualTo(("fail", "SafeOpenAI:Defenses:KeywordFilter:Keywords")));
        });
    }

    [Test]
    public async Task The_off_topic_check_is_expected_once_the_deployment_declares_a_narrow_purpose()
    {
        var undeclared = await ItemAsync("input.off_topic");
        _fixture.WriteConfig(s => s["Deployment"]!["Purpose"] = "Billing and account questions of Contoso customers.");
        var declaredButOff = await ItemAsync("input.off_topic");
        _fixture.WriteConfig(s =>
        {
            s["Deployment"]!["Purpose"] = "Billing and account questions of Contoso customers.";
            s["Defenses"]!["OffTopic"] = new JsonObject { ["Enabled"] = true };
        });
        var onWithPurposeAsScope = await ItemAsync("input.off_topic");
        _fixture.WriteConfig(s => s["Defenses"]!["OffTopic"] = new JsonObject { ["Enabled"] = true });
        var onWithoutScope = await ItemAsync("input.off_topic");
        _fixture.WriteConfig(s => s["Defenses"]!["OffTopic"] = new JsonObject
        {
            ["Enabled"] = true,
            ["AllowedScope"] = "Billing and account questions.",
            ["JudgeModel"] = "gpt-4.1-mini",
            ["ConfidenceThreshold"] = "0.7",
            ["MaxTurns"] = "3",
        });
        var on = await ItemAsync("input.off_topic");
        _fixture.WriteConfig(s => s["Defenses"]!["OffTopic"] = new JsonObject { ["Enabled"] = true, ["AllowedScope"] = "Billing.", ["FailurePolicy"] = "FailOpen" });
        var failOpen = await ItemAsync("input.off_topic");

        Assert.Multiple(() =>
        {
            Assert.That((undeclared.Status, undeclared.Key), Is.EqualTo(("pass", "SafeOpenAI:Deployment:Purpose")));
            Assert.That((declaredButOff.Status, declaredButOff.Key), Is.EqualTo(("warn", "SafeOpenAI:Defenses:OffTopic:Enabled")));
            Assert.That(onWithPurposeAsScope.Status, Is.EqualTo("pass"), "the declared purpose is the check's scope");
            Assert.That((onWithoutScope.Status, onWithoutScope.Key), Is.EqualTo(("fail", "SafeOpenAI:Defenses:OffTopic:AllowedScope")));
            Assert.That(on.Status, Is.EqualTo("pass"));
            Assert.That(on.Detail, Does.Contain("judge gpt-4.1-mini").And.Contain("threshold 0.7").And.Contain("3 previous turns"));
            Assert.That((failOpen.Status, failOpen.Key), Is.EqualTo(("warn", "SafeOpenAI:Defenses:OffTopic:FailurePolicy")));
        });
    }

    [Test]
    public async Task A_blank_deployment_purpose_fails_validation_naming_the_key()
    {
        _fixture.WriteConfig(s => s["Deployment"]!["Purpose"] = " ");

        var valid = await ItemAsync("configuration.valid");

        Assert.That((valid.Status, valid.Key), Is.EqualTo(("fail", "SafeOpenAI:Deployment:Purpose")));
    }

    [Test]
    public async Task A_missing_configuration_file_exits_2_naming_it()
    {
        var path = Path.Combine(_fixture.Directory, "nowhere", "appsettings.json");

        var (exit, stdout, stderr) = await _fixture.RunAsync(new CheckCommand.Arguments(path));

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(stdout, Is.Empty);
            Assert.That(stderr, Does.Contain(path));
        });
    }

    [Test]
    public async Task A_configuration_file_that_is_not_json_exits_2_naming_it()
    {
        File.WriteAllText(_fixture.ConfigPath, "{ \"SafeOpenAI\": { \"Model\": gpt-4o } }");

        var (exit, _, stderr) = await _fixture.RunAsync();

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(stderr, Does.Contain(_fixture.ConfigPath).And.Contain("is not valid JSON"));
        });
    }

    [Test]
    public async Task An_unknown_format_exits_2()
    {
        var (exit, _, stderr) = await _fixture.RunAsync(format: "yaml");

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(stderr, Does.Contain("--format must be one of table, markdown, json"));
        });
    }

    [Test]
    public void The_tool_checks_a_configuration_as_a_process()
    {
        // The process reads the real clock: the recorded run finished a day ago.
        _fixture.WriteReport(DateTimeOffset.UtcNow.AddDays(-1), ("direct_injection", 40, 1), ("jailbreak", 30, 0));

        var good = CliProcess.Run($"check --config \"{_fixture.ConfigPath}\" --json", _fixture.Environment);
        var table = CliProcess.Run($"check --config \"{_fixture.ConfigPath}\"", _fixture.Environment);
        var missing = CliProcess.Run($"check --config \"{Path.Combine(_fixture.Directory, "missing.json")}\"");
        var badArgument = CliProcess.Run("check --no-such-option");

        Assert.Multiple(() =>
        {
            Assert.That(good.Exit, Is.Zero, good.Stdout + good.Stderr);
            Assert.That(Items(good.Stdout).Select(i => i.Status), Is.All.EqualTo("pass"));
            Assert.That(table.Exit, Is.Zero);
            Assert.That(table.Stdout, Does.Contain($"check: {AllIds.Length} passed, 0 warnings, 0 failed"));
            Assert.That(table.Stdout, Does.Not.Contain(CheckFixture.ApiKey).And.Not.Contain(CheckFixture.HashKey));
            Assert.That(missing.Exit, Is.EqualTo(2));
            Assert.That(missing.Stderr, Does.Contain("missing.json"));
            Assert.That(badArgument.Exit, Is.EqualTo(2));
        });
    }

    private async Task<Item> ItemAsync(string id) => Items((await _fixture.RunAsync()).Stdout).Single(i => i.Id == id);

    private static List<Item> Items(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("items").EnumerateArray().Select(i => new Item(
            i.GetProperty("id").GetString()!,
            i.GetProperty("status").GetString()!,
            i.GetProperty("key").GetString()!,
            i.GetProperty("detail").GetString()!))];
    }

    private sealed record Item(string Id, string Status, string Key, string Detail);
}
