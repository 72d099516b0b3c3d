using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace SafeOpenAI;

/// <summary>Registers <see cref="ISafetyAlertSink"/>s on an <see cref="ISafeOpenAIBuilder"/>.</summary>
public static class SafetyAlertBuilderExtensions
{
    /// <summary>
    /// Adds a receiver of <see cref="SafetyAlert"/>s besides the default <see cref="LoggerSafetyAlertSink"/>;
    /// sinks are called in registration order, off the call path. Adding the same type twice is harmless.
    /// </summary>
    /// <typeparam name="TSink">The sink type, registered as a singleton (constructor injection).</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static ISafeOpenAIBuilder AddSafetyAlertSink<TSink>(this ISafeOpenAIBuilder builder)
        where TSink : class, ISafetyAlertSink
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ISafetyAlertSink, TSink>());
        return builder;
    }

    /// <summary>
    /// Adds a <see cref="WebhookSafetyAlertSink"/>: every alert POSTed as signed JSON to a URL
    /// (a pager, a chat channel, an incident tool), retried with exponential backoff on transient
    /// failures. The options are validated when the host starts.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options; <see cref="WebhookAlertOptions.Url"/> and <see cref="WebhookAlertOptions.Secret"/> are required.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static ISafeOpenAIBuilder AddWebhookAlerts(this ISafeOpenAIBuilder builder, Action<WebhookAlertOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<WebhookAlertOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookAlertOptions>, WebhookAlertOptionsValidator>());
        // The sink holds one client for its lifetime (so that alerts still go out while the host
        // stops); connections are renewed by the handler instead of by the factory, as in
        // https://learn.microsoft.com/dotnet/fundamentals/networking/http/httpclient-guidelines.
        services.AddHttpClient(WebhookSafetyAlertSink.HttpClientName)
            .UseSocketsHttpHandler((handler, _) => handler.PooledConnectionLifetime = TimeSpan.FromMinutes(2))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddResilienceHandler(WebhookSafetyAlertSink.HttpClientName, static (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<WebhookAlertOptions>>().Value;
                if (options.MaxRetries > 0)
                {
                    // Retries 408, 429, 5xx, network errors and attempt timeouts; honours Retry-After.
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = options.MaxRetries,
                        Delay = options.RetryDelay,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                    });
                }

                pipeline.AddTimeout(options.AttemptTimeout);
            });
        return builder.AddSafetyAlertSink<WebhookSafetyAlertSink>();
    }
}
