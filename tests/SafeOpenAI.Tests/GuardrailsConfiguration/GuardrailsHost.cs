using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SafeOpenAI.Testing;
using SafeOpenAI.Tests.Integration;

namespace SafeOpenAI.Tests.GuardrailsConfiguration;

/// <summary>SafeOpenAI configured from an OpenAI Guardrails file, with the model and every judge served by the local endpoint.</summary>
internal sealed class GuardrailsHost : IAsyncDisposable
{
    public const string AppModel = "gpt-4o-mini";

    private readonly IntegrationHost _host;

    private GuardrailsHost(IntegrationHost host) => _host = host;

    public LocalOpenAIEndpoint Endpoint => _host.Endpoint;

    public ServiceProvider Services => _host.Services;

    public SafeChatClient Client => _host.Client;

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

    /// <summary>Starts an <see cref="IntegrationHost"/>: its judges' own clients reach the same local endpoint.</summary>
    public static async Task<GuardrailsHost> StartAsync(Action<ISafeOpenAIBuilder> build) =>
        new(await IntegrationHost.StartAsync(build: build));

    /// <summary>Registers <paramref name="json"/> on a fresh builder without building anything, for errors.</summary>
    public static void Register(string json, Action<GuardrailsConfigurationOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSafeOpenAI(o => o.Identity.HashKey = IntegrationHost.HashKey).AddOpenAIGuardrailsConfigurationJson(json, configure);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
