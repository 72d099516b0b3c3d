using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SafeOpenAI.Testing;
using SafeOpenAI.Tests.Integration;
using SafeOpenAI.Tests.Pipeline;

namespace SafeOpenAI.Tests.GuardrailsConfiguration;

/// <summary>SafeOpenAI configured from an OpenAI Guardrails file, with the model and every judge served by the local endpoint.</summary>
internal sealed class GuardrailsHost : IAsyncDisposable
{
    public const string AppModel = "gpt-4o-mini";

    private GuardrailsHost(LocalOpenAIEndpoint endpoint, ServiceProvider services)
    {
        Endpoint = endpoint;
        Services = services;
    }

    public LocalOpenAIEndpoint Endpoint { get; }

    public ServiceProvider Services { get; }

    public SafeChatClient Client => Services.GetRequiredService<SafeChatClient>();

    public SafetyPipeline Pipeline => Services.GetRequiredService<SafetyPipeline>();

    public ModerationOptions Moderation => Services.GetRequiredService<IOptions<SafeOpenAIOptions>>().Value.Moderation;

    /// <summary>The chat requests that asked the application's model (not a judge).</summary>
    public IReadOnlyList<RecordedRequest> ModelRequests => [.. Endpoint.ChatRequests.Where(r => r.Model == AppModel)];

    /// <summary>The full path of a file under samples/openai-guardrails, found from the test binaries upwards.</summary>
    public static string Sample(string name)
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "openai-guardrails", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"samples/openai-guardrails/{name} was not found above the test directory.");
    }

    public static async Task<GuardrailsHost> StartAsync(Action<ISafeOpenAIBuilder> build)
    {
        var endpoint = await LocalOpenAIEndpoint.StartAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(endpoint.CreateChatClient(AppModel, maxRetries: 0));
        services.AddSingleton(endpoint.CreateModerationClient(maxRetries: 0));
        var builder = services.AddSafeOpenAI(options =>
        {
            options.Identity.HashKey = IntegrationHost.HashKey;

            // The judges' own clients (CreateChatClient) reach the local endpoint too.
            options.ApiKey = "sk-local-test";
            options.Endpoint = endpoint.BaseUri;
        });
        builder.UseAuditSink<RecordingAuditSink>();
        build(builder);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new GuardrailsHost(endpoint, provider);
    }

    /// <summary>Registers <paramref name="json"/> on a fresh builder without building anything, for errors.</summary>
    public static void Register(string json, Action<GuardrailsConfigurationOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSafeOpenAI(o => o.Identity.HashKey = IntegrationHost.HashKey).AddOpenAIGuardrailsConfigurationJson(json, configure);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Endpoint.DisposeAsync();
    }
}
