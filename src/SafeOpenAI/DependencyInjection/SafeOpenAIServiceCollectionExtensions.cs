using System.ClientModel;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Moderations;
using SafeOpenAI;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers SafeOpenAI in a service collection.</summary>
public static class SafeOpenAIServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SafeChatClient"/> and its default pipeline (input length guard,
    /// OpenAI moderation on input and output, JSON schema validation of structured answers, in-memory per-user budgets, model hardening, keyed
    /// safety identifier, audit to <c>ILogger</c>), configured from a configuration section such
    /// as <c>SafeOpenAI</c>. Options are validated when the host starts; each error names its key.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section to bind, normally <c>configuration.GetSection("SafeOpenAI")</c>.</param>
    /// <returns>A builder to add or replace stages.</returns>
    /// <remarks>
    /// The optional defenses switched on under <c>&lt;section&gt;:Defenses:&lt;Name&gt;:Enabled</c>
    /// (<c>Secrets</c>, <c>UrlFilter</c>, <c>KeywordFilter</c>, <c>CompetitorFilter</c>, <c>PiiRedaction</c>,
    /// <c>PromptInjection</c>, <c>Spotlighting</c>, <c>CanaryTokens</c>, <c>ToolCalls</c>, <c>PiiLeakCheck</c>, <c>Groundedness</c>, <c>RiskDomainReview</c>,
    /// <c>HumanReview</c>) are added here, in that order, each with its options bound from its
    /// subsection; a listed collection replaces the option's default list. Stages added on the
    /// returned builder run after them. The defenses are read once, by the first call.
    /// </remarks>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">A value under <c>Defenses</c> cannot be converted to its option's type, or names an option configuration cannot set (the message names the key).</exception>
    /// <exception cref="ArgumentException">An enabled defense's option is out of range or invalid: the same exception type its builder method throws, with the configuration key as the parameter name.</exception>
    public static ISafeOpenAIBuilder AddSafeOpenAI(this IServiceCollection services, IConfigurationSection configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SafeOpenAIOptions>().Bind(configuration);
        var builder = AddCore(services, configuration.Path);
        if (!builder.Registry.DefensesConfigured)
        {
            services.AddSingleton<IValidateOptions<SafeOpenAIOptions>>(new ConfiguredDefensesValidator(configuration.GetSection(ConfiguredDefenses.SectionName)));
        }

        ConfiguredDefenses.Apply(builder, builder.Registry, configuration);
        return builder;
    }

    /// <summary>
    /// Registers <see cref="SafeChatClient"/> and its default pipeline, configured in code.
    /// Options are validated when the host starts; each error names its configuration key.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>A builder to add or replace stages.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static ISafeOpenAIBuilder AddSafeOpenAI(this IServiceCollection services, Action<SafeOpenAIOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SafeOpenAIOptions>().Configure(configure);
        return AddCore(services, SafeOpenAIOptions.SectionName);
    }

    internal static string? ResolveApiKey(SafeOpenAIOptions options) =>
        string.IsNullOrWhiteSpace(options.ApiKey) ? Environment.GetEnvironmentVariable("OPENAI_API_KEY") : options.ApiKey;

    private static SafeOpenAIBuilder AddCore(IServiceCollection services, string sectionPath)
    {
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(SafetyStageRegistry))?.ImplementationInstance as SafetyStageRegistry;
        if (existing is not null)
        {
            // Registering twice is harmless: the second call returns a builder over the same pipeline.
            return new SafeOpenAIBuilder(services, existing);
        }

        var registry = new SafetyStageRegistry();
        registry.InputGuards.Add(sp => new InputLengthGuard(Options(sp).InputLength, sp.GetRequiredService<ITokenCounter>()));
        // First output validator: it costs nothing without a response schema, and a structured
        // answer is re-asked before later validators spend work on a rejected one.
        registry.OutputValidators.Add(_ => new JsonSchemaValidator());
        registry.Moderation = sp => new OpenAIModerationCheck(
            sp.GetRequiredKeyedService<ModerationClient>(SafeOpenAIServiceKeys.Inner),
            Options(sp).Moderation,
            sp.GetRequiredService<TimeProvider>());
        // A container singleton, so that the container disposes it (and its rate limiter's timer).
        registry.BudgetTracker = sp => sp.GetRequiredService<InMemoryBudgetTracker>();
        services.TryAddSingleton(sp => new InMemoryBudgetTracker(
            Options(sp).Budget,
            sp.GetRequiredService<BudgetAlertDispatcher>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(registry);

        services.AddOptions<SafeOpenAIOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SafeOpenAIOptions>>(sp =>
            new SafeOpenAIOptionsValidator(sectionPath, sp.GetRequiredService<IServiceProviderIsService>()));

        services.TryAddSingleton(TimeProvider.System);
        // SafeOpenAI's meter comes from the container's IMeterFactory (SafeOpenAITelemetry.SourceName).
        services.AddMetrics();
        services.TryAddSingleton(sp => new PipelineTelemetry(sp.GetRequiredService<IMeterFactory>(), Options(sp).Telemetry));
        services.TryAddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.TryAddSingleton<ITokenCounter>(TiktokenTokenCounter.Shared);
        services.TryAddSingleton<ISafetyIdentityAccessor, AmbientSafetyIdentityAccessor>();
        services.TryAddSingleton<IAuditSink, LoggerAuditSink>();
        services.TryAddSingleton(sp => new SafetyHasher(Options(sp).Identity));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IBudgetAlertSink, LoggerBudgetAlertSink>());
        services.TryAddSingleton(sp => new BudgetAlertDispatcher(sp.GetServices<IBudgetAlertSink>(), sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton<IUserAccessPolicy>(sp => new InMemoryUserAccessPolicy(sp.GetRequiredService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISafetyAlertSink, LoggerSafetyAlertSink>());
        services.TryAddSingleton(sp => new SafetyAlertDispatcher(sp.GetServices<ISafetyAlertSink>(), sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton(sp => new AnomalyMonitor(
            Options(sp).Anomaly,
            sp.GetRequiredService<IUserAccessPolicy>(),
            sp.GetRequiredService<SafetyAlertDispatcher>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton(sp => new ModelPriceTable(new Dictionary<string, ModelPrice>(Options(sp).Pricing, StringComparer.OrdinalIgnoreCase)));

        services.TryAddKeyedSingleton<ChatClient>(SafeOpenAIServiceKeys.Inner, (sp, _) =>
            sp.GetService<ChatClient>() ?? new ChatClient(Options(sp).Model, RequireApiKey(sp), ClientOptions(sp)));
        services.TryAddKeyedSingleton<ModerationClient>(SafeOpenAIServiceKeys.Inner, (sp, _) =>
            sp.GetService<ModerationClient>() ?? new ModerationClient(Options(sp).Moderation.Model, RequireApiKey(sp), ClientOptions(sp)));

        services.TryAddSingleton(sp =>
        {
            var options = Options(sp);
            return new SafetyPipeline(
                registry.InputGuards.Select(factory => factory(sp)).ToArray(),
                options.Moderation.Enabled ? registry.Moderation?.Invoke(sp) : null,
                registry.OutputValidators.Select(factory => factory(sp)).ToArray(),
                registry.BudgetTracker?.Invoke(sp),
                sp.GetRequiredService<ITokenCounter>(),
                sp.GetRequiredService<ModelPriceTable>(),
                sp.GetRequiredService<SafetyHasher>(),
                sp.GetRequiredService<IAuditSink>(),
                new PipelineOversight(
                    options.Audit.CaptureContent ? new AuditContentProtector(options.Audit.ContentKey!) : null,
                    sp.GetRequiredService<IUserAccessPolicy>(),
                    options.Anomaly.Enabled ? sp.GetRequiredService<AnomalyMonitor>() : null,
                    sp.GetService<IHumanReviewQueue>(),
                    options.Access.LimitedRelease.Enabled ? new LimitedReleaseGate(options.Access.LimitedRelease, sp.GetRequiredService<SafetyHasher>()) : null),
                options,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("SafeOpenAI.Pipeline"),
                sp.GetRequiredService<PipelineTelemetry>());
        });
        services.TryAddSingleton<IBudgetUsageReader>(sp =>
            sp.GetRequiredService<SafetyPipeline>().BudgetTracker as IBudgetUsageReader
            ?? throw new InvalidOperationException("The registered budget tracker does not report usage (it does not implement IBudgetUsageReader), or budgets are off."));
        services.TryAddSingleton(sp => new SafeChatClient(
            sp.GetRequiredKeyedService<ChatClient>(SafeOpenAIServiceKeys.Inner),
            sp.GetRequiredService<SafetyPipeline>(),
            sp.GetRequiredService<ISafetyIdentityAccessor>(),
            Options(sp).OnBlock));

        return new SafeOpenAIBuilder(services, registry);
    }

    /// <summary>Creates an unguarded chat client of <paramref name="model"/> with SafeOpenAI's API key and endpoint, for a stage's own judge.</summary>
    /// <exception cref="InvalidOperationException">No API key is configured.</exception>
    internal static ChatClient CreateChatClient(IServiceProvider services, string model) =>
        new(model, RequireApiKey(services), ClientOptions(services));

    private static SafeOpenAIOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<SafeOpenAIOptions>>().Value;

    private static ApiKeyCredential RequireApiKey(IServiceProvider services) =>
        new(ResolveApiKey(Options(services)) ?? throw new InvalidOperationException("SafeOpenAI:ApiKey is required to create the inner OpenAI clients."));

    private static OpenAIClientOptions ClientOptions(IServiceProvider services) =>
        Options(services).Endpoint is { } endpoint ? new() { Endpoint = endpoint } : new();
}
