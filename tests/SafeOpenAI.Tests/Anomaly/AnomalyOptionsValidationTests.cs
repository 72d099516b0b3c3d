using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SafeOpenAI.Tests.Anomaly;

public sealed class AnomalyOptionsValidationTests
{
    [Test]
    public void Bad_anomaly_values_from_configuration_are_reported_with_their_full_keys()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MyApp:Safety:ApiKey"] = "k",
            ["MyApp:Safety:Identity:HashKey"] = "anomaly-validation-hash-key-0123456789",
            ["MyApp:Safety:Anomaly:SuspensionCooldown"] = "00:00:00",
            ["MyApp:Safety:Anomaly:ModerationFlagThreshold"] = "0",
            ["MyApp:Safety:Anomaly:InjectionThreshold"] = "5000",
            ["MyApp:Safety:Anomaly:TokenSpikeFactor"] = "0.5",
            ["MyApp:Safety:Anomaly:ErrorRateThreshold"] = "1.5",
            ["MyApp:Safety:Anomaly:MaxTrackedUsers"] = "0",
        }).Build();
        var services = new ServiceCollection();
        services.AddSafeOpenAI(configuration.GetSection("MyApp:Safety"));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<SafeOpenAIOptions>>().Value);

        Assert.That(error!.Failures, Has.Some.Contain("MyApp:Safety:Anomaly:SuspensionCooldown must be a positive duration"));
        Assert.That(error.Failures, Has.Some.Contain("MyApp:Safety:Anomaly:ModerationFlagThreshold must be between 1 and 1000 calls"));
        Assert.That(error.Failures, Has.Some.Contain("MyApp:Safety:Anomaly:InjectionThreshold must be between 1 and 1000 calls (was 5000)"));
        Assert.That(error.Failures, Has.Some.Contain("MyApp:Safety:Anomaly:TokenSpikeFactor must be a finite number of at least 1"));
        Assert.That(error.Failures, Has.Some.Contain("MyApp:Safety:Anomaly:ErrorRateThreshold must be a share between 0 and 1"));
        Assert.That(error.Failures, Has.Some.Contain("MyApp:Safety:Anomaly:MaxTrackedUsers must be at least 1 users"));
        Assert.That(error.Failures.Count(f => f.Contains(":Anomaly:", StringComparison.Ordinal)), Is.EqualTo(6));
    }

    [Test]
    public void The_defaults_are_valid()
    {
        var errors = new List<string>();

        SafeOpenAIOptionsValidator.ValidateAnomaly(new AnomalyOptions(), key => key, errors);

        Assert.That(errors, Is.Empty);
    }
}
