namespace SafeOpenAI.Tests.Hardening;

public class ModelParameterHardeningTests
{
    private readonly ModelParameterHardening _hardening = new(new ModelHardeningOptions
    {
        DefaultMaxOutputTokens = 500,
        MaxOutputTokens = 2_000,
        DefaultTemperature = 0.3f,
        MaxTemperature = 1.0f,
        MaxTopP = 0.9f,
        MaxAbsFrequencyPenalty = 1.0f,
        MaxAbsPresencePenalty = 0.5f,
    });

    [Test]
    public void Defaults_fill_what_the_caller_left_unset_without_verdicts()
    {
        var verdicts = new List<SafetyVerdict>();
        var result = _hardening.Apply("gpt-4o-mini", new GenerationParameters(), verdicts);

        Assert.That(result.MaxOutputTokens, Is.EqualTo(500));
        Assert.That(result.Temperature, Is.EqualTo(0.3f));
        Assert.That(result.TopP, Is.Null);
        Assert.That(verdicts, Is.Empty);
    }

    [Test]
    public void Values_above_the_caps_are_lowered_and_reported()
    {
        var verdicts = new List<SafetyVerdict>();
        var result = _hardening.Apply("gpt-4o", new GenerationParameters(100_000, 1.9f, 1.0f, -2.0f, 2.0f), verdicts);

        Assert.That(result, Is.EqualTo(new GenerationParameters(2_000, 1.0f, 0.9f, -1.0f, 0.5f)));
        Assert.That(verdicts.Select(v => v.Code), Is.EquivalentTo(new[]
        {
            "hardening.capped:max_output_tokens", "hardening.capped:temperature", "hardening.capped:top_p",
            "hardening.capped:frequency_penalty", "hardening.capped:presence_penalty",
        }));
        Assert.That(verdicts, Has.All.Property(nameof(SafetyVerdict.Action)).EqualTo(SafetyAction.Rewrite));
        Assert.That(verdicts[0].Evidence["requested"], Is.EqualTo("100000"));
        Assert.That(verdicts[0].Evidence["cap"], Is.EqualTo("2000"));
    }

    [Test]
    public void Values_within_the_caps_pass_unchanged()
    {
        var verdicts = new List<SafetyVerdict>();
        var requested = new GenerationParameters(800, 0.7f, 0.5f, 0.2f, -0.2f);

        Assert.That(_hardening.Apply("gpt-4o", requested, verdicts), Is.EqualTo(requested));
        Assert.That(verdicts, Is.Empty);
    }

    [TestCase("o3-mini")]
    [TestCase("o4-mini-2025-04-16")]
    [TestCase("gpt-5")]
    [TestCase("gpt-5-nano")]
    public void Reasoning_models_never_receive_sampling_parameters(string model)
    {
        var verdicts = new List<SafetyVerdict>();
        var result = _hardening.Apply(model, new GenerationParameters(null, 0.5f, 0.5f, 0.1f, null), verdicts);

        Assert.That(result, Is.EqualTo(new GenerationParameters(500)));
        Assert.That(verdicts.Select(v => v.Code), Is.EquivalentTo(new[]
        {
            "hardening.removed:temperature", "hardening.removed:top_p", "hardening.removed:frequency_penalty",
        }));
    }

    [Test]
    public void Reasoning_models_do_not_get_the_default_temperature_either()
    {
        var verdicts = new List<SafetyVerdict>();
        Assert.That(_hardening.Apply("o1", new GenerationParameters(), verdicts).Temperature, Is.Null);
        Assert.That(verdicts, Is.Empty);
    }

    [TestCase("gpt-5-chat-latest", false)]
    [TestCase("gpt-4.1-mini", false)]
    [TestCase("o1-preview", true)]
    public void Reasoning_model_detection_follows_the_configured_prefixes(string model, bool reasoning) =>
        Assert.That(_hardening.IsReasoningModel(model), Is.EqualTo(reasoning));
}
