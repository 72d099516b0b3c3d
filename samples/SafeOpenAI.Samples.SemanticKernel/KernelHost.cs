using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using OpenAI;
using OpenAI.Chat;

namespace SafeOpenAI.Samples.SemanticKernel;

/// <summary>
/// Builds the sample's container: SafeOpenAI from <c>appsettings.json</c> (prompt injection and
/// tool-call defenses on), the OpenAI SDK's chat client as an <see cref="IChatClient"/> behind
/// <c>UseSafeOpenAI()</c>, and a <see cref="Kernel"/> whose chat service is that client.
/// </summary>
internal static class KernelHost
{
    public const string Model = "gpt-4o-mini";

    public static ServiceProvider Build(Uri? localEndpoint, string? apiKey)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: false)
            .AddEnvironmentVariables()
            .Build();

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSafeOpenAI(configuration.GetSection(SafeOpenAIOptions.SectionName));
        services.PostConfigure<SafeOpenAIOptions>(options =>
        {
            if (localEndpoint is not null)
            {
                options.Endpoint = localEndpoint;
                options.ApiKey = "offline-local-endpoint";
            }
            else
            {
                options.ApiKey = apiKey;
            }

            if (string.IsNullOrEmpty(options.Identity.HashKey))
            {
                // Development only: production sets SafeOpenAI__Identity__HashKey from a secret store.
                options.Identity.AllowUnkeyedHashing = true;
            }
        });

        // The OpenAI client does not retry here, so a scripted answer is used exactly once.
        var clientOptions = new OpenAIClientOptions { RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(maxRetries: 0) };
        if (localEndpoint is not null)
        {
            clientOptions.Endpoint = localEndpoint;
        }

        var chatClient = new ChatClient(Model, new System.ClientModel.ApiKeyCredential(apiKey ?? "offline-local-endpoint"), clientOptions);

        // Semantic Kernel's function invocation is the outer layer and SafeOpenAI the inner one:
        // every model round trip, including the one that carries a tool result back, runs through
        // the pipeline, and a refused tool call never reaches the function invoker.
        services.AddChatClient(chatClient.AsIChatClient())
            .UseKernelFunctionInvocation()
            .UseSafeOpenAI();
        services.AddSingleton<OrdersPlugin>();
        services.AddSingleton(sp => KernelPluginFactory.CreateFromObject(sp.GetRequiredService<OrdersPlugin>(), "orders"));
        services.AddKernel();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
