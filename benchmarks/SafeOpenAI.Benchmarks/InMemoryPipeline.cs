using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;

namespace SafeOpenAI.Benchmarks;

/// <summary>
/// A raw <see cref="ChatClient"/> and a <see cref="SafeChatClient"/> over the same in-memory
/// transport (<see cref="InMemoryChatHandler"/>), with the local stages only: moderation is a
/// network call and is off, the budget is never exhausted and no request rate applies. The pipeline
/// benchmarks compare the two on the same prompt.
/// </summary>
internal sealed class InMemoryPipeline : IDisposable
{
    private readonly ServiceProvider _services;

    private InMemoryPipeline(ChatClient raw, ServiceProvider services)
    {
        Raw = raw;
        _services = services;
        Safe = services.GetRequiredService<SafeChatClient>();
    }

    /// <summary>Gets the SDK's own client.</summary>
    public ChatClient Raw { get; }

    /// <summary>Gets the guarded client over <see cref="Raw"/>.</summary>
    public SafeChatClient Safe { get; }

    /// <summary>Builds both clients.</summary>
    /// <param name="configure">Further options on top of the benchmark defaults.</param>
    public static InMemoryPipeline Create(Action<SafeOpenAIOptions>? configure = null)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = new Uri("http://in-memory.invalid/v1"),
            Transport = new HttpClientPipelineTransport(new HttpClient(new InMemoryChatHandler())),
        };
        var raw = new ChatClient("gpt-4o-mini", new ApiKeyCredential("benchmark"), options);

        var services = new ServiceCollection();
        services.AddSingleton(raw);
        services.AddSafeOpenAI(o =>
        {
            o.Identity.HashKey = "benchmark-hash-key-0123456789abcdef";
            o.Moderation.Enabled = false;
            o.Budget.Limits.Add(new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Hour, Tokens = long.MaxValue / 2 });
            o.Budget.RequestsPerMinute = null;
            configure?.Invoke(o);
        });
        return new InMemoryPipeline(raw, services.BuildServiceProvider());
    }

    /// <inheritdoc />
    public void Dispose() => _services.Dispose();
}
