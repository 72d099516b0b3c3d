using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using SafeOpenAI.Testing;

namespace SafeOpenAI.Extensions.AI.Tests;

/// <summary>
/// SafeOpenAI registered with <c>AddSafeOpenAI</c> and put in front of the OpenAI SDK's chat client
/// as an <see cref="IChatClient"/> (<c>AddChatClient(inner.AsIChatClient()).UseSafeOpenAI()</c>),
/// talking HTTP to a <see cref="LocalOpenAIEndpoint"/> on 127.0.0.1. The inner clients do not
/// retry, so a scripted fault surfaces at once.
/// </summary>
internal sealed class ChatClientHost : IAsyncDisposable
{
    public const string HashKey = "extensions-ai-test-hash-key-0123456789";

    private ChatClientHost(LocalOpenAIEndpoint endpoint, ServiceProvider services)
    {
        Endpoint = endpoint;
        Services = services;
    }

    public LocalOpenAIEndpoint Endpoint { get; }

    public ServiceProvider Services { get; }

    public IChatClient Client => Services.GetRequiredService<IChatClient>();

    public RecordingAuditSink Audit => (RecordingAuditSink)Services.GetRequiredService<IAuditSink>();

    public static async Task<ChatClientHost> StartAsync(Action<SafeOpenAIOptions>? configure = null, Action<ISafeOpenAIBuilder>? build = null, LocalOpenAIEndpointOptions? endpointOptions = null)
    {
        var endpoint = await LocalOpenAIEndpoint.StartAsync(endpointOptions);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(endpoint.CreateModerationClient(maxRetries: 0));
        var builder = services.AddSafeOpenAI(options =>
        {
            options.Identity.HashKey = HashKey;
            configure?.Invoke(options);
        });
        builder.UseAuditSink<RecordingAuditSink>();
        build?.Invoke(builder);
        services.AddChatClient(endpoint.CreateChatClient("gpt-4o-mini", maxRetries: 0).AsIChatClient()).UseSafeOpenAI();
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new ChatClientHost(endpoint, provider);
    }

    public static ChatMessage[] Ask(string text) => [new(ChatRole.System, "You are helpful."), new(ChatRole.User, text)];

    public static string SafetyIdentifierOf(string user) =>
        new SafetyHasher(new SafetyIdentifierOptions { HashKey = HashKey }).ComputeSafetyIdentifier(user);

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Endpoint.DisposeAsync();
    }
}
