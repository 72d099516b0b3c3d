using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SafeOpenAI.Tests.Integration;

namespace SafeOpenAI.Tests.GuardrailsConfiguration;

/// <summary>Every way a Guardrails configuration can be wrong fails at registration with one exception naming the JSON path.</summary>
public class GuardrailsConfigurationErrorTests
{
    private const string Keyword = """{ "name": "Keyword Filter", "config": { "keywords": ["secret"] } }""";

    private static GuardrailsConfigurationException Fails(string json, Action<GuardrailsConfigurationOptions>? configure = null) =>
        Assert.Throws<GuardrailsConfigurationException>(() => GuardrailsHost.Register(json, configure))!;

    private static string Stage(string stage, params string[] checks) =>
        $$"""{ "version": 1, "{{stage}}": { "version": 1, "guardrails": [{{string.Join(", ", checks)}}] } }""";

    private static string Check(string name, string config) => $$"""{ "name": "{{name}}", "config": {{config}} }""";

    [Test]
    public void Malformed_json_is_refused()
    {
        var error = Fails("""{ "version": 1, "input": { "guardrails": [ }""");

        Assert.That(error.Message, Does.Contain("not valid JSON (line 1"));
        Assert.That(error.InnerException, Is.InstanceOf<System.Text.Json.JsonException>());
    }

    [TestCase("""{ "version": 1, "inputs": {} }""", "$.inputs", "unknown key of a pipeline configuration; known keys: version, pre_flight, input, output.")]
    [TestCase("""{ "version": 2, "input": { "guardrails": [] } }""", "$.version", "unsupported version (2); SafeOpenAI reads version 1.")]
    [TestCase("""{ "version": "1", "input": { "guardrails": [] } }""", "$.version", "unsupported version (a string); SafeOpenAI reads version 1.")]
    [TestCase("""{ "input": { "version": 3, "guardrails": [] } }""", "$.input.version", "unsupported version (3); SafeOpenAI reads version 1.")]
    [TestCase("""{ "input": { "guardrails": [], "checks": [] } }""", "$.input.checks", "unknown key of the input stage; known keys: version, guardrails.")]
    [TestCase("""{ "output": [] }""", "$.output", "expected the output stage (a JSON object), found an array.")]
    [TestCase("""{ "pre_flight": { "version": 1 } }""", "$.pre_flight.guardrails", "required key is missing: the stage's checks.")]
    [TestCase("""{ "input": { "guardrails": {} } }""", "$.input.guardrails", "expected the stage's checks (an array of {\"name\", \"config\"}), found an object.")]
    [TestCase("""{ "input": { "guardrails": [ "Moderation" ] } }""", "$.input.guardrails[0]", "expected a check (a JSON object), found a string.")]
    [TestCase("""{ "input": { "guardrails": [ { "name": "Moderation" } ] } }""", "$.input.guardrails[0].config", "required key is missing: the check's settings (an object, {} for none).")]
    [TestCase("""{ "input": { "guardrails": [ { "config": {} } ] } }""", "$.input.guardrails[0].name", "required key is missing: the check's name.")]
    [TestCase("""{ "input": { "guardrails": [ { "name": "Moderation", "config": {}, "enabled": true } ] } }""", "$.input.guardrails[0].enabled", "unknown key of a check; known keys: name, config.")]
    [TestCase("""{ "input": { "guardrails": [ { "name": "Moderation", "name": "Jailbreak", "config": {} } ] } }""", "$.input.guardrails[0].name", "duplicate key in a check.")]
    [TestCase("""{ "version": 1 }""", "$", "the pipeline has no check; add at least one under pre_flight, input or output.")]
    [TestCase("""{ "version": 1, "guardrails": [] }""", "$.guardrails", "this is a single-stage bundle")]
    public void A_malformed_pipeline_names_the_path_and_what_was_expected(string json, string path, string expected)
    {
        var error = Fails(json);

        Assert.That(error.JsonPath, Is.EqualTo(path));
        Assert.That(error.Message, Does.StartWith($"{path}: {expected}"));
    }

    [Test]
    public void An_unknown_check_name_lists_the_known_ones()
    {
        var error = Fails(Stage("output", Keyword, Check("Toxicity", "{}")));

        Assert.That(error.JsonPath, Is.EqualTo("$.output.guardrails[1].name"));
        Assert.That(error.Message, Is.EqualTo(
            "$.output.guardrails[1].name: 'Toxicity' is not an OpenAI Guardrails check; known checks: Moderation, Jailbreak, Prompt Injection Detection, " +
            "Contains PII, Secret Keys, URL Filter, Off Topic Prompts, NSFW Text, Hallucination Detection, Competitors, Keyword Filter, Custom Prompt Check."));
    }

    [Test]
    public void Check_names_are_matched_exactly_as_OpenAI_Guardrails_writes_them()
    {
        Assert.That(Fails(Stage("input", Check("url filter", "{}"))).JsonPath, Is.EqualTo("$.input.guardrails[0].name"));
    }

    [Test]
    public void A_misspelt_config_key_is_named_with_the_keys_the_check_knows()
    {
        var error = Fails(Stage("output", Keyword, Check("NSFW Text", """{ "model": "gpt-4.1-mini", "treshold": 0.7 }""")));

        Assert.That(error.Message, Is.EqualTo("$.output.guardrails[1].config.treshold: unknown key of the settings of NSFW Text; known keys: model, confidence_threshold, max_turns, include_reasoning."));
    }

    [TestCase("Keyword Filter", "{}", "keywords", "required key is missing: the banned keywords or phrases.")]
    [TestCase("Keyword Filter", """{ "keywords": [] }""", "keywords", "expected at least one entry: the banned keywords or phrases.")]
    [TestCase("Keyword Filter", """{ "keywords": "secret" }""", "keywords", "expected the banned keywords or phrases (an array of strings), found a string.")]
    [TestCase("Keyword Filter", """{ "keywords": ["ok", 3] }""", "keywords[1]", "expected a non-empty string, found a number.")]
    [TestCase("Competitors", """{ "competitors": ["  "] }""", "competitors[0]", "expected a non-empty string, found an empty string.")]
    [TestCase("Jailbreak", """{ "confidence_threshold": 0.7 }""", "model", "required key is missing: the judge model")]
    [TestCase("Jailbreak", """{ "model": "gpt-4.1-mini" }""", "confidence_threshold", "required key is missing: the confidence at or above which the check trips.")]
    [TestCase("Jailbreak", """{ "model": "gpt-4.1-mini", "confidence_threshold": "0.7" }""", "confidence_threshold", "expected the confidence at or above which the check trips (a number from 0 to 1), found a string.")]
    [TestCase("Jailbreak", """{ "model": "gpt-4.1-mini", "confidence_threshold": 1.5 }""", "confidence_threshold", "expected the confidence at or above which the check trips from 0 to 1, found 1.5.")]
    [TestCase("Off Topic Prompts", """{ "model": "m", "confidence_threshold": 0.7, "system_prompt_details": "Travel.", "max_turns": 0 }""", "max_turns", "expected the number of conversation turns given as context from 1 to 100, found 0.")]
    [TestCase("Off Topic Prompts", """{ "model": "m", "confidence_threshold": 0.7, "max_turns": 2.5, "system_prompt_details": "Travel." }""", "max_turns", "expected the number of conversation turns given as context (a whole number from 1 to 100), found a number.")]
    [TestCase("Off Topic Prompts", """{ "model": "m", "confidence_threshold": 0.7 }""", "system_prompt_details", "required key is missing: the application's scope.")]
    [TestCase("Custom Prompt Check", """{ "model": "m", "confidence_threshold": 0.7, "system_prompt_details": "" }""", "system_prompt_details", "expected the check's criterion, found an empty string.")]
    [TestCase("NSFW Text", """{ "model": "m", "confidence_threshold": 0.7, "include_reasoning": true }""", "include_reasoning", "SafeOpenAI never puts a judge's reasoning in the verdict trail")]
    [TestCase("NSFW Text", """{ "model": "m", "confidence_threshold": 0.7, "include_reasoning": "no" }""", "include_reasoning", "expected true or false, found a string.")]
    [TestCase("Moderation", """{ "categories": ["hate", "toxicity"] }""", "categories[1]", "'toxicity' is not a moderation category; known categories: sexual, sexual/minors, hate,")]
    [TestCase("Contains PII", """{ "entities": ["EMAIL_ADDRESS", "PERSON"] }""", "entities[1]", "SafeOpenAI does not detect the entity type 'PERSON'; it detects EMAIL_ADDRESS, PHONE_NUMBER,")]
    [TestCase("Contains PII", """{ "block": true }""", "entities", "required key is missing: the Presidio entity types to detect.")]
    [TestCase("Contains PII", """{ "entities": ["US_SSN"], "detect_encoded_pii": true }""", "detect_encoded_pii", "SafeOpenAI does not decode Base64, URL-encoded or hex text")]
    [TestCase("Secret Keys", """{ "threshold": "loose" }""", "threshold", "expected \"strict\", \"balanced\" or \"permissive\".")]
    [TestCase("Secret Keys", """{ "custom_regex": ["(?<=token=)[a-z]+"] }""", "custom_regex[0]", "not a valid .NET regular expression")]
    [TestCase("URL Filter", """{ "url_allow_list": ["https://"] }""", "url_allow_list", "The URL allow-list entry 'https://' names no host; write a host (example.com), a wildcard (*.example.com) or a URL (https://example.com/docs).")]
    [TestCase("URL Filter", """{ "allowed_schemes": [] }""", "allowed_schemes", "expected at least one entry: the allowed URL schemes.")]
    [TestCase("URL Filter", """{ "block_userinfo": 1 }""", "block_userinfo", "expected true or false, found a number.")]
    public void A_bad_config_value_names_its_path(string name, string config, string key, string expected)
    {
        var error = Fails(Stage("pre_flight", Keyword, Check(name, config)));

        var path = "$.pre_flight.guardrails[1].config." + key;
        Assert.That(error.JsonPath, Is.EqualTo(path));
        Assert.That(error.Message, Does.StartWith($"{path}: {expected}"));
    }

    [Test]
    public void A_bad_custom_regex_is_not_quoted_in_the_message()
    {
        var error = Fails(Stage("input", Check("Secret Keys", """{ "custom_regex": ["acme-(?=live)[a-z]{8}"] }""")));

        Assert.That(error.Message, Does.Not.Contain("acme-"));
    }

    [Test]
    public void Hallucination_detection_knowledge_source_must_be_a_vector_store_id()
    {
        var error = Fails(Stage("output", Check("Hallucination Detection", """{ "model": "gpt-4.1-mini", "confidence_threshold": 0.7, "knowledge_source": "docs" }""")));

        Assert.That(error.Message, Is.EqualTo("$.output.guardrails[0].config.knowledge_source: expected an OpenAI vector store id starting with \"vs_\"."));
    }

    [TestCase("pre_flight", "Hallucination Detection", """{ "model": "m", "confidence_threshold": 0.7, "knowledge_source": "vs_1" }""", "Hallucination Detection cannot run in the pre_flight stage: it checks the model's answer; put it under output.")]
    [TestCase("input", "Hallucination Detection", """{ "model": "m", "confidence_threshold": 0.7, "knowledge_source": "vs_1" }""", "Hallucination Detection cannot run in the input stage")]
    [TestCase("output", "Jailbreak", """{ "model": "m", "confidence_threshold": 0.7 }""", "Jailbreak cannot run in the output stage: the prompt-injection guard checks the request; put it under pre_flight or input.")]
    [TestCase("output", "Secret Keys", "{}", "Secret Keys cannot run in the output stage")]
    public void A_check_in_a_stage_where_it_cannot_run_names_the_check_and_the_stage(string stage, string name, string config, string expected)
    {
        var error = Fails(Stage(stage, Check(name, config)));

        Assert.That(error.JsonPath, Is.EqualTo($"$.{stage}.guardrails[0].name"));
        Assert.That(error.Message, Does.StartWith($"$.{stage}.guardrails[0].name: {expected}"));
    }

    [Test]
    public void Moderation_must_list_the_same_categories_in_every_stage()
    {
        var json = """
            {
              "pre_flight": { "guardrails": [ { "name": "Moderation", "config": { "categories": ["hate"] } } ] },
              "output": { "guardrails": [ { "name": "Moderation", "config": { "categories": ["violence"] } } ] }
            }
            """;

        var error = Fails(json);

        Assert.That(error.Message, Does.StartWith("$.output.guardrails[0].config.categories: SafeOpenAI has one moderation check").And.EndWith("$.pre_flight.guardrails[0].config.categories."));
    }

    [Test]
    public void An_invalid_file_registers_nothing_not_even_its_valid_checks()
    {
        var services = new ServiceCollection();
        var builder = services.AddSafeOpenAI(o =>
        {
            o.Identity.HashKey = IntegrationHost.HashKey;
            o.ApiKey = "sk-local-test";
        });
        var before = services.Count;

        Assert.Throws<GuardrailsConfigurationException>(() => builder.AddOpenAIGuardrailsConfigurationJson(Stage("input", Keyword, Check("Keyword Filter", "{}"))));

        using var provider = services.BuildServiceProvider();
        Assert.That(services, Has.Count.EqualTo(before));
        Assert.That(provider.GetRequiredService<SafetyPipeline>().Stages.Select(s => s.Name), Does.Not.Contain("KeywordFilter"));
    }

    [Test]
    public void A_missing_file_is_reported_by_the_file_system()
    {
        var services = new ServiceCollection();
        var builder = services.AddSafeOpenAI(o => o.Identity.HashKey = IntegrationHost.HashKey);

        Assert.Throws<FileNotFoundException>(() => builder.AddOpenAIGuardrailsConfiguration(Path.Combine(TestContext.CurrentContext.WorkDirectory, "no-such-guardrails.json")));
    }

    [Test]
    public async Task The_stream_overload_reads_the_same_format()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(Stage("input", Keyword)));

        await using var host = await GuardrailsHost.StartAsync(b => b.AddOpenAIGuardrailsConfigurationStream(stream));

        Assert.That(host.Pipeline.Stages.Where(s => s.Name == "KeywordFilter").Select(s => s.Phase), Is.EqualTo(new[] { SafetyPhase.Input }));
    }
}
