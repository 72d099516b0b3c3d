using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SafeOpenAI.Testing;
using SafeOpenAI.Tests.Pipeline;

namespace SafeOpenAI.Tests.Integration;

/// <summary>
/// SafeOpenAI registered with <c>AddSafeOpenAI(configuration.GetSection("SafeOpenAI"))</c> from
/// in-memory settings, over the real OpenAI SDK talking HTTP to a <see cref="LocalOpenAIEndpoint"/>.
/// </summary>
internal sealed class ConfiguredHost : IAsyncDisposable
{
    private ConfiguredHost(LocalOpenAIEndpoint endpoint, ServiceProvider services)
    {
        Endpoint = endpoint;
        Services = services;
    }

    public LocalOpenAIEndpoint Endpoint { get; }

    public ServiceProvider Services { get; }

    public SafeChatClient Client => Services.GetRequiredService<SafeChatClient>();

    public SafetyPipeline Pipeline => Services.GetRequiredService<SafetyPipeline>();

    public RecordingAuditSink Audit => (RecordingAuditSink)Services.GetRequiredService<IAuditSink>();

    public SafeOpenAIOptions Options => Services.GetRequiredService<IOptions<SafeOpenAIOptions>>().Value;

    public static async Task<ConfiguredHost> StartAsync(IDictionary<string, string?> settings, Action<ISafeOpenAIBuilder>? build = null)
    {
        var endpoint = await LocalOpenAIEndpoint.StartAsync();
        try
        {
            // Clients SafeOpenAI builds itself (a judge's) reach the same local endpoint.
            settings = new Dictionary<string, string?>(settings);
            settings.TryAdd("SafeOpenAI:Endpoint", endpoint.BaseUri.ToString());
            settings.TryAdd("SafeOpenAI:ApiKey", "sk-local-test");
            var services = Register(settings, build);
            services.AddSingleton(endpoint.CreateChatClient("gpt-4o-mini", maxRetries: 0));
            services.AddSingleton(endpoint.CreateModerationClient(maxRetries: 0));
            var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
            return new ConfiguredHost(endpoint, provider);
        }
        catch
        {
            await endpoint.DisposeAsync();
            throw;
        }
    }

    /// <summary>Registers SafeOpenAI from <paramref name="settings"/> (keys with the <c>SafeOpenAI:</c> prefix) and a recording audit sink.</summary>
    public static ServiceCollection Register(IDictionary<string, string?> settings, Action<ISafeOpenAIBuilder>? build = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        var builder = services.AddSafeOpenAI(configuration.GetSection(SafeOpenAIOptions.SectionName));
        builder.UseAuditSink<RecordingAuditSink>();
        build?.Invoke(builder);
        return services;
    }

    /// <summary>The settings every host needs, plus <paramref name="more"/>.</summary>
    public static Dictionary<string, string?> Settings(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["SafeOpenAI:Identity:HashKey"] = IntegrationHost.HashKey,
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Endpoint.DisposeAsync();
    }
}
