using Microsoft.Extensions.DependencyInjection;

namespace SafeOpenAI.Tests.GuardrailsConfiguration;

/// <summary>Each OpenAI Guardrails check becomes the right SafeOpenAI stage, in the right phase and order, with the file's values.</summary>
public class GuardrailsConfigurationMappingTests
{
    private static string Stage(string stage, params string[] checks) =>
        $$"""{ "version": 1, "{{stage}}": { "version": 1, "guardrails": [{{string.Join(", ", checks)}}] } }""";

    private static IEnumerable<T> Guards<T>(GuardrailsHost host) =>
        host.Services.GetRequiredService<SafetyStageRegistry>().InputGuards.Select(factory => factory(host.Services)).OfType<T>();

    [Test]
    public async Task Every_check_of_the_sample_lands_in_its_phase_in_file_order()
    {
        await using var host = await GuardrailsHost.StartAsync(b => b.AddOpenAIGuardrailsConfiguration(GuardrailsHost.Sample("every-check.json")));

        var stages = host.Pipeline.Stages.Select(s => $"{s.Phase}:{s.Name}").ToArray();

        Assert.That(stages, Is.EqualTo(new[]
        {
            "Budget:InMemoryBudget",
            "Input:InputLength",                 // SafeOpenAI's own, always first
            "Input:PiiRedaction",                // pre_flight: Contains PII
            "Input:Secrets",                     // pre_flight: Secret Keys
            "Input:PiiRedaction",                // pre_flight: Secret Keys custom_regex
            "Input:PromptInjection",             // pre_flight: Prompt Injection Detection (tool results), with input: Jailbreak
            "Input:KeywordFilter",               // input: Keyword Filter
            "Input:CompetitorFilter",            // input: Competitors
            "Input:UrlFilter",                   // input: URL Filter
            "Input:OffTopic",                    // input: Off Topic Prompts
            "Input:CustomPromptCheck",           // input: Custom Prompt Check
            "InputModeration:OpenAIModeration",  // pre_flight: Moderation
            "OutputModeration:OpenAIModeration", // output: Moderation
            "Output:JsonSchemaValidator",        // SafeOpenAI's own, always first
            "Output:PiiRestore",                 // restores what pre_flight Contains PII replaced
            "Output:UrlFilter",                  // output: URL Filter
            "Output:PiiLeak",                    // output: Contains PII
            "Output:NsfwText",                   // output: NSFW Text
            "Output:Groundedness",               // output: Hallucination Detection
            "Output:ToolCalls",                  // output: Prompt Injection Detection (tool calls)
        }));
    }

    [Test]
    public async Task Loaded_stages_come_after_the_stages_added_before_in_code()
    {
        await using var host = await GuardrailsHost.StartAsync(b => b
            .AddSecretsGuard()
            .AddOpenAIGuardrailsConfigurationJson(Stage("input", """{ "name": "Keyword Filter", "config": { "keywords": ["zephyr"] } }""")));

        Assert.That(host.Pipeline.Stages.Where(s => s.Phase == SafetyPhase.Input).Select(s => s.Name), Is.EqualTo(new[] { "InputLength", "Secrets", "KeywordFilter" }));
    }

    [Test]
    public async Task Moderation_with_some_categories_checks_both_sides_and_blocks_on_those_categories_only()
    {
        await using var host = await GuardrailsHost.StartAsync(b => b.AddOpenAIGuardrailsConfiguration(GuardrailsHost.Sample("every-check.json")));

        var moderation = host.Moderation;
        Assert.Multiple(() =>
        {
            Assert.That((moderation.Enabled, moderation.CheckInput, moderation.CheckOutput, moderation.RunInputConcurrently), Is.EqualTo((true, true, true, false)));
            Assert.That(moderation.BlockWhenFlagged, Is.True);
            Assert.That(moderation.FlaggedCategories, Is.EquivalentTo(new[] { "hate", "harassment", "self-harm", "sexual/minors", "violence" }), "only a flag in a listed category blocks");
            Assert.That(moderation.CategoryThresholds, Is.Empty);
        });
    }

    [Test]
    public async Task Moderation_in_the_input_stage_only_checks_input_with_every_category()
    {
        await using var host = await GuardrailsHost.StartAsync(b => b.AddOpenAIGuardrailsConfiguration(GuardrailsHost.Sample("input-only.json")));

        var moderation = host.Moderation;
        Assert.Multiple(() =>
        {
            Assert.That((moderation.CheckInput, moderation.CheckOutput, moderation.BlockWhenFlagged), Is.EqualTo((true, false, true)));
            Assert.That(moderation.CategoryThresholds, Is.Empty);
            Assert.That(host.Pipeline.Stages.Select(s => s.Phase), Does.Contain(SafetyPhase.InputModeration).And.No.Member(SafetyPhase.OutputModeration));
        });
    }

    [Test]
    public async Task A_file_without_moderation_leaves_SafeOpenAIs_moderation_as_it_is()
    {
        await using var host = await GuardrailsHost.StartAsync(b => b.AddOpenAIGuardrailsConfigurationJson(Stage("output", """{ "name": "URL Filter", "config": {} }""")));

        var moderation = host.Moderation;
        Assert.That((moderation.Enabled, moderation.CheckInput, moderation.CheckOutput, moderation.BlockWhenFlagged), Is.EqualTo((true, true, true, true)));
    }

    [Test]
    public async Task By_default_every_input_stage_check_decides_before_the_model_call()
    {
        await using var host = await GuardrailsHost.StartAsync(b => b.AddOpenAIGuardrailsConfiguration(GuardrailsHost.Sample("input-only.json")));

        Assert.Multiple(() =>
        {
            Assert.That(Guards<ScopeCheck>(host).Single().RunsConcurrentlyWithModel, Is.False);
            Assert.That(host.Moderation.RunInputConcurrently, Is.False);
        });
    }

    [Test]
    public async Task The_concurrent_option_runs_the_input_stage_judges_and_moderation_beside_the_model_call()
    {
        await using var host = await GuardrailsHost.StartAsync(b => b.AddOpenAIGuardrailsConfiguration(
            GuardrailsHost.Sample("input-only.json"),
            o => o.RunInputStageConcurrently = true));

        Assert.Multiple(() =>
        {
            Assert.That(Guards<ScopeCheck>(host).Select(c => (c.Name, c.RunsConcurrentlyWithModel)), Is.EqualTo(new[] { ("OffTopic", true) }));
            Assert.That(host.Moderation.RunInputConcurrently, Is.True);
        });
    }

    [Test]
    public async Task The_concurrent_option_leaves_pre_flight_checks_before_the_model_call()
    {
        var json = """
            {
              "pre_flight": { "guardrails": [
                { "name": "Moderation", "config": {} },
                { "name": "Custom Prompt Check", "config": { "model": "gpt-4.1-mini", "confidence_threshold": 0.7, "system_prompt_details": "Requests for refunds." } }
              ] },
              "input": { "guardrails": [
                { "name": "Moderation", "config": {} },
                { "name": "Custom Prompt Check", "config": { "model": "gpt-4.1-mini", "confidence_threshold": 0.9, "system_prompt_details": "Requests for legal advice." } }
              ] }
            }
            """;

        await using var host = await GuardrailsHost.StartAsync(b => b.AddOpenAIGuardrailsConfigurationJson(json, o => o.RunInputStageConcurrently = true));

        Assert.Multiple(() =>
        {
            Assert.That(Guards<ScopeCheck>(host).Select(c => (c.Name, c.RunsConcurrentlyWithModel)), Is.EqualTo(new[] { ("CustomPromptCheck", false), ("CustomPromptCheck2", true) }));
            Assert.That(host.Moderation.RunInputConcurrently, Is.False, "pre_flight moderation decides first, so input moderation has nothing left to run beside the model");
        });
    }

    [Test]
    public async Task Judge_checks_in_the_output_stage_validate_the_answer()
    {
        var json = """
            { "output": { "guardrails": [
              { "name": "Off Topic Prompts", "config": { "model": "gpt-4.1-mini", "confidence_threshold": 0.6, "system_prompt_details": "Gardening." } },
              { "name": "Custom Prompt Check", "config": { "model": "gpt-4.1-mini", "confidence_threshold": 0.6, "system_prompt_details": "Medical dosages." } }
            ] } }
            """;

        await using var host = await GuardrailsHost.StartAsync(b => b.AddOpenAIGuardrailsConfigurationJson(json));

        Assert.That(host.Pipeline.Stages.Where(s => s.Name is "OffTopic" or "CustomPromptCheck").Select(s => s.Phase), Is.EqualTo(new[] { SafetyPhase.Output, SafetyPhase.Output }));
    }

    [Test]
    public async Task Filters_follow_their_stage()
    {
        var json = """
            {
              "input": { "guardrails": [ { "name": "Competitors", "config": { "competitors": ["Globex"] } } ] },
              "output": { "guardrails": [
                { "name": "Keyword Filter", "config": { "keywords": ["zephyr"] } },
                { "name": "Prompt Injection Detection", "config": { "model": "gpt-4.1-mini", "confidence_threshold": 0.7 } }
              ] }
            }
            """;

        await using var host = await GuardrailsHost.StartAsync(b => b.AddOpenAIGuardrailsConfigurationJson(json));

        var stages = host.Pipeline.Stages.Where(s => s.Name is "CompetitorFilter" or "KeywordFilter" or "ToolCalls" or "PromptInjection").Select(s => $"{s.Phase}:{s.Name}");
        Assert.That(stages, Is.EqualTo(new[] { "Input:CompetitorFilter", "Output:KeywordFilter", "Output:ToolCalls" }));
    }

    [Test]
    public async Task Competitor_Detection_as_their_reference_page_writes_it_is_the_Competitors_check()
    {
        var json = """{ "input": { "guardrails": [ { "name": "Competitor Detection", "config": { "competitors": ["Globex"] } } ] } }""";

        await using var host = await GuardrailsHost.StartAsync(b => b.AddOpenAIGuardrailsConfigurationJson(json));

        Assert.That(host.Pipeline.Stages.Select(s => $"{s.Phase}:{s.Name}"), Does.Contain("Input:CompetitorFilter"));
    }
}
