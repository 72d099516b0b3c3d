using System.ClientModel;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Moderations;
using SafeOpenAI.Testing;
using SafeOpenAI.Tests.Pipeline;

namespace SafeOpenAI.Tests.Integration;

/// <summary>
/// SafeOpenAI registered with <c>AddSafeOpenAI</c> over the real OpenAI SDK, talking HTTP to a
/// <see cref="LocalOpenAIEndpoint"/> on 127.0.0.1. The inner clients do not retry, so a scripted
/// fault surfaces at once, unless <c>innerClientOptions</c> gives them other SDK options (retries,
/// network timeout).
/// </summary>
internal sealed class IntegrationHost : IAsyncDisposable
{
    public const string HashKey = "integration-test-hash-key-0123456789";

    private IntegrationHost(LocalOpenAIEndpoint endpoint, ServiceProvider services)
    {
        Endpoint = endpoint;
        Services = services;
    }

    public LocalOpenAIEndpoint Endpoint { get; }

    public ServiceProvider Services { get; }

    public SafeChatClient Client => Services.GetRequiredService<SafeChatClient>();

    public RecordingAuditSink Audit => (RecordingAuditSink)Services.GetRequiredService<IAuditSink>();

    public static async Task<IntegrationHost> StartAsync(Action<SafeOpenAIOptions>? configure = null, Action<ISafeOpenAIBuilder>? build = null, LocalOpenAIEndpointOptions? endpointOptions = null, Func<LocalOpenAIEndpoint, OpenAIClientOptions>? innerClientOptions = null)
    {
        var endpoint = await LocalOpenAIEndpoint.StartAsync(endpointOptions);
        var services = new ServiceCollection();
        services.AddLogging();
        if (innerClientOptions is null)
        {
            services.AddSingleton(endpoint.CreateChatClient("gpt-4o-mini", maxRetries: 0));
            services.AddSingleton(endpoint.CreateModerationClient(maxRetries: 0));
        }
        else
        {
            services.AddSingleton(new ChatClient("gpt-4o-mini", new ApiKeyCredential("sk-local-test"), innerClientOptions(endpoint)));
            services.AddSingleton(new ModerationClient("omni-moderation-latest", new ApiKeyCredential("sk-local-test"), innerClientOptions(endpoint)));
        }

        var builder = services.AddSafeOpenAI(options =>
        {
            options.Identity.HashKey = HashKey;

            // Clients SafeOpenAI builds itself (a judge's) reach the same local endpoint.
            options.Endpoint = endpoint.BaseUri;
            options.ApiKey = "sk-local-test";
            configure?.Invoke(options);
        });
        builder.UseAuditSink<RecordingAuditSink>();
        build?.Invoke(builder);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new IntegrationHost(endpoint, provider);
    }

    public static SafeChatRequest Ask(string text, string user = "user-1") =>
        new([ChatMessage.CreateSystemMessage("You are helpful."), ChatMessage.CreateUserMessage(text)])
        {
            Identity = new SafetyIdentity(user, "session-1"),
        };

    public static string SafetyIdentifierOf(string user) =>
        new SafetyHasher(new SafetyIdentifierOptions { HashKey = HashKey }).ComputeSafetyIdentifier(user);

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Endpoint.DisposeAsync();
    }
}
