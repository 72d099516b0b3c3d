using System.CommandLine;
using System.Text.Json;
using SafeOpenAI.Cli.Evaluation.Pii;

namespace SafeOpenAI.Cli.Tests.Pii;

public class PiiEvalCommandTests
{
    private string _file = null!;

    [SetUp]
    public void WriteData()
    {
        _file = Path.Combine(Path.GetTempPath(), "pii-eval-" + Guid.NewGuid().ToString("N") + ".jsonl");
        File.WriteAllLines(_file,
        [
            """{"text":"Mail jane@example.com now","spans":[{"entity_type":"EMAIL_ADDRESS","start":5,"end":21}]}""",
            """{"text":"I am Ann, card 4111 1111 1111 1111","spans":[{"entity_type":"PERSON","start":5,"end":8},{"entity_type":"CREDIT_CARD","start":15,"end":34}]}""",
            """{"text":"see https://example.org/a and 10.0.0.1","spans":[{"entity_type":"DOMAIN_NAME","start":4,"end":25}]}""",
        ]);
    }

    [TearDown]
    public void Delete() => File.Delete(_file);

    [Test]
    public async Task Json_output_has_the_documented_keys()
    {
        var output = new StringWriter();
        var root = new RootCommand { EvalCommands.Create() };
        var exit = await root.Parse(["eval", "pii", "--data", _file, "--json"]).InvokeAsync(new InvocationConfiguration { Output = output });

        Assert.That(exit, Is.EqualTo(0));
        using var json = JsonDocument.Parse(output.ToString());
        var top = json.RootElement.EnumerateObject().Select(p => p.Name);
        Assert.That(top, Is.EqualTo(new[] { "by_entity", "micro", "micro_supported", "mean_us_per_item" }));
        var email = json.RootElement.GetProperty("by_entity").GetProperty("EMAIL_ADDRESS");
        Assert.That(email.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "precision", "recall", "f1", "support", "predicted" }));
        Assert.That(email.GetProperty("recall").GetDouble(), Is.EqualTo(1.0));
        Assert.That(json.RootElement.GetProperty("by_entity").GetProperty("DOMAIN_NAME").GetProperty("recall").GetDouble(), Is.EqualTo(1.0), "a URL finding matches a DOMAIN_NAME gold span");
        Assert.That(json.RootElement.GetProperty("by_entity").GetProperty("PERSON").GetProperty("recall").GetDouble(), Is.EqualTo(0.0));
        Assert.That(json.RootElement.GetProperty("by_entity").GetProperty("IP_ADDRESS").GetProperty("precision").GetDouble(), Is.EqualTo(0.0), "an unlabelled IP is a false positive");
        foreach (var key in new[] { "micro", "micro_supported" })
        {
            Assert.That(json.RootElement.GetProperty(key).EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "precision", "recall", "f1" }));
        }

        Assert.That(json.RootElement.GetProperty("micro_supported").GetProperty("recall").GetDouble(), Is.EqualTo(1.0), "PERSON is not a supported type");
        Assert.That(json.RootElement.GetProperty("micro").GetProperty("recall").GetDouble(), Is.EqualTo(0.75));
        Assert.That(json.RootElement.GetProperty("mean_us_per_item").GetDouble(), Is.GreaterThanOrEqualTo(0));
    }

    [Test]
    public async Task Without_json_a_table_is_printed()
    {
        var output = new StringWriter();
        var root = new RootCommand { EvalCommands.Create() };
        await root.Parse(["eval", "pii", "--data", _file]).InvokeAsync(new InvocationConfiguration { Output = output });
        Assert.That(output.ToString(), Does.Contain("micro_supported").And.Contain("EMAIL_ADDRESS"));
    }

    [Test]
    public void A_span_matches_when_it_overlaps_at_least_half_of_the_gold_span()
    {
        var gold = new PiiGoldSpan("PHONE_NUMBER", 10, 20);
        Assert.That(PiiEvaluator.Matches(gold, 15, 30), Is.True);
        Assert.That(PiiEvaluator.Matches(gold, 16, 30), Is.False);
        Assert.That(PiiEvaluator.Compatible("DOMAIN_NAME", "URL"), Is.True);
        Assert.That(PiiEvaluator.Compatible("PHONE_NUMBER", "US_SSN"), Is.False);
    }
}
