using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenAI.Chat;
using SafeOpenAI.Testing;

namespace SafeOpenAI.Tests.DependencyInjection;

[NonParallelizable]
public class AddSafeOpenAITests
{
    private const string Key = "dependency-injection-test-key-0123456789";

    [Test]
    public async Task A_host_built_from_configuration_completes_calls_through_inner_clients_made_from_the_options()
    {
        await using var endpoint = await LocalOpenAIEndpoint.StartAsync();
        using var host = BuildHost(new()
        {
            ["SafeOpenAI:Model"] = "gpt-4o-mini",
            ["SafeOpenAI:ApiKey"] = "local-key",
            ["SafeOpenAI:Endpoint"] = endpoint.BaseUri.ToString(),
            ["SafeOpenAI:Identity:HashKey"] = Key,
            ["SafeOpenAI:Moderation:CategoryThresholds:violence"] = "0.4",
            ["SafeOpenAI:Budget:RequestsPerMinute"] = "5",
            ["SafeOpenAI:Budget:Limits:0:Scope"] = "Global",
            ["SafeOpenAI:Budget:Limits:0:Window"] = "Month",
            ["SafeOpenAI:Budget:Limits:0:CostUsd"] = "250.50",
        });
        await host.StartAsync();

        var client = host.Services.GetRequiredService<SafeChatClient>();
        var result = await client.CompleteAsync(new SafeChatRequest([ChatMessage.CreateUserMessage("Hello from configuration")]) { Identity = new SafetyIdentity("u") });
        var options = host.Services.GetRequiredService<IOptions<SafeOpenAIOptions>>().Value;

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(endpoint.ChatRequests, Has.Count.EqualTo(1));
        Assert.That(endpoint.ModerationRequests, Has.Count.EqualTo(2), "input and output are moderated through the moderation client made from the options");
        Assert.That(options.Moderation.CategoryThresholds["violence"], Is.EqualTo(0.4f));
        Assert.That(options.Budget.RequestsPerMinute, Is.EqualTo(5));
        Assert.That(options.Budget.EffectiveLimits.Single().ToString(), Is.EqualTo("global-month"));
        Assert.That(options.Budget.EffectiveLimits.Single().CostUsd, Is.EqualTo(250.50m));
        Assert.That(client.SafetyPipeline.Stages.Select(s => s.Name), Is.EqualTo(new[] { "InMemoryBudget", "InputLength", "OpenAIModeration", "OpenAIModeration", "JsonSchemaValidator" }));
        await host.StopAsync();
    }

    [Test]
    public void A_missing_hash_key_stops_start_up_with_a_message_naming_the_key()
    {
        using var host = BuildHost(new() { ["SafeOpenAI:ApiKey"] = "k" });

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain("SafeOpenAI:Identity:HashKey").And.Contain("AllowUnkeyedHashing"));
    }

    [Test]
    public void Every_bad_value_is_reported_with_its_full_configuration_key()
    {
        using var host = BuildHost(
            new()
            {
                ["MyApp:Safety:ApiKey"] = "k",
                ["MyApp:Safety:Identity:HashKey"] = Key,
                ["MyApp:Safety:Hardening:MaxOutputTokens"] = "0",
                ["MyApp:Safety:Hardening:MaxTemperature"] = "3",
                ["MyApp:Safety:InputLength:MaxTokens"] = "-5",
                ["MyApp:Safety:Moderation:CategoryThresholds:violense"] = "0.5",
                ["MyApp:Safety:Budget:Limits:0:Scope"] = "Tenant",
                ["MyApp:Safety:Budget:Limits:0:Tokens"] = "0",
                ["MyApp:Safety:Budget:Limits:1:Scope"] = "Tenant",
                ["MyApp:Safety:Budget:Limits:1:Window"] = "Hour",
                ["MyApp:Safety:Budget:Limits:1:CostUsd"] = "5",
                ["MyApp:Safety:Budget:AlertThresholds:0"] = "80",
                ["MyApp:Safety:Budget:FallbackPriceModel"] = "no-such-model",
                ["MyApp:Safety:Endpoint"] = "ftp://example.com",
                ["MyApp:Safety:Audit:CaptureContent"] = "true",
                ["MyApp:Safety:Audit:ContentKey"] = "too-short",
            },
            section: "MyApp:Safety");

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(error!.Failures, Has.Some.Contain("MyApp:Safety:Hardening:MaxOutputTokens must be at least 1"));
        Assert.That(error.Failures, Has.Some.Contain("MyApp:Safety:Hardening:MaxTemperature must be between 0 and 2"));
        Assert.That(error.Failures, Has.Some.Contain("MyApp:Safety:InputLength:MaxTokens"));
        Assert.That(error.Failures, Has.Some.Contain("MyApp:Safety:Moderation:CategoryThresholds:violense is not a moderation category"));
        Assert.That(error.Failures, Has.Some.Contain("MyApp:Safety:Budget:Limits:0:Tokens must be at least 1 token"));
        Assert.That(error.Failures, Has.Some.Contain("MyApp:Safety:Budget:Limits:1 repeats the limit tenant-hour"));
        Assert.That(error.Failures, Has.Some.Contain("MyApp:Safety:Budget:AlertThresholds:0 must be a fraction of the limit"));
        Assert.That(error.Failures, Has.Some.Contain("MyApp:Safety:Budget:FallbackPriceModel must name a model with a price"));
        Assert.That(error.Failures, Has.Some.Contain("MyApp:Safety:Endpoint must be an absolute http or https address"));
        Assert.That(error.Failures, Has.Some.Contain("MyApp:Safety:Audit:ContentKey is required when MyApp:Safety:Audit:CaptureContent is true"));
    }

    [Test]
    public void A_missing_api_key_is_reported_unless_the_app_registers_its_own_clients()
    {
        var saved = Environment.GetEnvironmentVariable("OPENAI_API_KEY");
        Environment.SetEnvironmentVariable("OPENAI_API_KEY", null);
        try
        {
            using var withoutClients = BuildHost(new() { ["SafeOpenAI:Identity:HashKey"] = Key });
            var error = Assert.ThrowsAsync<OptionsValidationException>(() => withoutClients.StartAsync());
            Assert.That(error!.Message, Does.Contain("SafeOpenAI:ApiKey is required"));

            using var withClients = BuildHost(
                new() { ["SafeOpenAI:Identity:HashKey"] = Key },
                configure: services =>
                {
                    services.AddSingleton(new ChatClient("gpt-4o-mini", "unused"));
                    services.AddSingleton(new global::OpenAI.Moderations.ModerationClient("omni-moderation-latest", "unused"));
                });
            Assert.DoesNotThrowAsync(() => withClients.StartAsync());
        }
        finally
        {
            Environment.SetEnvironmentVariable("OPENAI_API_KEY", saved);
        }
    }

    [Test]
    public void Registering_twice_is_harmless_and_builder_stages_run_after_the_built_in_length_guard()
    {
        var services = new ServiceCollection();
        services.AddSingleton(new ChatClient("gpt-4o-mini", "unused"));
        services.AddSafeOpenAI(o =>
        {
            o.Identity.HashKey = Key;
            o.Moderation.Enabled = false;
        });
        services.AddSafeOpenAI(_ => { })
            .AddInputGuard(_ => new FakeInputGuard("custom"))
            .AddOutputValidator(_ => new FakeOutputValidator("validator"));
        using var provider = services.BuildServiceProvider();

        var stages = provider.GetRequiredService<SafeChatClient>().SafetyPipeline.Stages;

        Assert.That(stages.Select(s => (s.Phase, s.Name)), Is.EqualTo(new[]
        {
            (SafetyPhase.Budget, "InMemoryBudget"), (SafetyPhase.Input, "InputLength"), (SafetyPhase.Input, "custom"), (SafetyPhase.Output, "JsonSchemaValidator"), (SafetyPhase.Output, "validator"),
        }));
    }

    [Test]
    public void The_inner_client_is_keyed_so_a_plain_ChatClient_is_never_the_guarded_one_by_accident()
    {
        var services = new ServiceCollection();
        var appClient = new ChatClient("gpt-4o-mini", "unused");
        services.AddSingleton(appClient);
        services.AddSafeOpenAI(o =>
        {
            o.Identity.HashKey = Key;
            o.Moderation.Enabled = false;
        });
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredKeyedService<ChatClient>(SafeOpenAIServiceKeys.Inner), Is.SameAs(appClient));
        Assert.That(provider.GetRequiredService<SafeChatClient>(), Is.Not.SameAs(appClient));
    }

    private static IHost BuildHost(Dictionary<string, string?> settings, string section = "SafeOpenAI", Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSafeOpenAI(builder.Configuration.GetSection(section));
        configure?.Invoke(builder.Services);
        return builder.Build();
    }
}
