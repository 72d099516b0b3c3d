using System.Text.Json;
using SafeOpenAI.Cli.RedTeam;

namespace SafeOpenAI.Cli.Tests.RedTeam;

public class JsonRedTeamReportWriterTests
{
    private static JsonDocument Parse(RedTeamReport report)
    {
        using var output = new StringWriter();
        new JsonRedTeamReportWriter().Write(report, output);
        return JsonDocument.Parse(output.ToString());
    }

    [Test]
    public void Top_level_keys_are_the_contract_plus_run()
    {
        using var doc = Parse(RedTeamReportSamples.Create());
        Assert.That(doc.RootElement.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[]
        {
            "total_attacks", "attack_success_rate", "benign_prompts", "benign_block_rate", "categories", "attacks", "run",
        }));
    }

    [Test]
    public void Totals_and_rates_are_numbers_from_zero_to_one()
    {
        using var doc = Parse(RedTeamReportSamples.Create());
        var root = doc.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("total_attacks").GetInt32(), Is.EqualTo(9));
            Assert.That(root.GetProperty("attack_success_rate").GetDouble(), Is.EqualTo(3 / 9.0).Within(1e-12));
            Assert.That(root.GetProperty("benign_prompts").GetInt32(), Is.EqualTo(4));
            Assert.That(root.GetProperty("benign_block_rate").GetDouble(), Is.EqualTo(0.25));
        });
    }

    [Test]
    public void Every_category_has_the_contract_fields_and_values()
    {
        using var doc = Parse(RedTeamReportSamples.Create());
        var categories = doc.RootElement.GetProperty("categories");
        Assert.That(categories.EnumerateObject().Select(p => p.Name),
            Is.EqualTo(new[] { "direct_injection", "obfuscation", "pii_exfiltration" }));

        var direct = categories.GetProperty("direct_injection");
        var obfuscation = categories.GetProperty("obfuscation");
        var pii = categories.GetProperty("pii_exfiltration");
        Assert.Multiple(() =>
        {
            Assert.That(direct.EnumerateObject().Select(p => p.Name),
                Is.EqualTo(new[] { "attacks", "succeeded", "attack_success_rate", "ci_low", "ci_high" }));
            Assert.That(direct.GetProperty("attacks").GetInt32(), Is.EqualTo(4));
            Assert.That(direct.GetProperty("succeeded").GetInt32(), Is.EqualTo(1));
            Assert.That(direct.GetProperty("attack_success_rate").GetDouble(), Is.EqualTo(0.25));
            Assert.That(direct.GetProperty("ci_low").GetDouble(), Is.EqualTo(0.0456).Within(0.00005));
            Assert.That(direct.GetProperty("ci_high").GetDouble(), Is.EqualTo(0.6994).Within(0.00005));
            Assert.That(obfuscation.GetProperty("attack_success_rate").GetDouble(), Is.EqualTo(1.0));
            Assert.That(obfuscation.GetProperty("ci_high").GetDouble(), Is.EqualTo(1.0));
            Assert.That(pii.GetProperty("succeeded").GetInt32(), Is.Zero);
            Assert.That(pii.GetProperty("ci_low").GetDouble(), Is.Zero);
        });
    }

    [Test]
    public void Every_attack_has_the_contract_fields_in_run_order()
    {
        var report = RedTeamReportSamples.Create();
        using var doc = Parse(report);
        var attacks = doc.RootElement.GetProperty("attacks").EnumerateArray().ToList();
        Assert.That(attacks, Has.Count.EqualTo(report.TotalAttacks));
        Assert.Multiple(() =>
        {
            for (var i = 0; i < attacks.Count; i++)
            {
                var json = attacks[i];
                var expected = report.Attacks[i];
                Assert.That(json.EnumerateObject().Select(p => p.Name),
                    Is.EqualTo(new[] { "id", "category", "blocked_by", "reached_model", "succeeded" }));
                Assert.That(json.GetProperty("id").GetString(), Is.EqualTo(expected.Id));
                Assert.That(json.GetProperty("category").GetString(), Is.EqualTo(expected.Category));
                Assert.That(json.GetProperty("blocked_by").GetString(), Is.EqualTo(expected.BlockedBy));
                Assert.That(json.GetProperty("reached_model").GetBoolean(), Is.EqualTo(expected.ReachedModel));
                Assert.That(json.GetProperty("succeeded").GetBoolean(), Is.EqualTo(expected.Succeeded));
            }

            Assert.That(attacks[1].GetProperty("blocked_by").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(attacks[0].GetProperty("blocked_by").GetString(), Is.EqualTo("PromptInjection:injection.detected"));
        });
    }

    [Test]
    public void The_run_object_carries_the_metadata()
    {
        using var doc = Parse(RedTeamReportSamples.Create());
        var run = doc.RootElement.GetProperty("run");
        Assert.Multiple(() =>
        {
            Assert.That(run.GetProperty("suite").GetString(), Is.EqualTo("builtin"));
            Assert.That(run.GetProperty("seed").GetInt32(), Is.EqualTo(42));
            Assert.That(run.GetProperty("model").GetString(), Is.EqualTo("gpt-4.1-mini"));
            Assert.That(run.GetProperty("endpoint").GetString(), Is.EqualTo("offline"));
            Assert.That(run.GetProperty("started_utc").GetDateTimeOffset(), Is.EqualTo(RedTeamReportSamples.Started));
            Assert.That(run.GetProperty("finished_utc").GetDateTimeOffset(), Is.EqualTo(RedTeamReportSamples.Started.AddSeconds(12.5)));
            Assert.That(run.GetProperty("duration_seconds").GetDouble(), Is.EqualTo(12.5));
        });
    }
}
