using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace SafeOpenAI.Redis;

/// <summary>Registers <see cref="RedisBudgetTracker"/> as the budget tracker of an <see cref="ISafeOpenAIBuilder"/>.</summary>
public static class RedisBudgetBuilderExtensions
{
    /// <summary>
    /// Keeps budgets and request rates in Redis, shared by every instance of the application,
    /// with options set in code. The limits come from <c>SafeOpenAI:Budget</c>
    /// (<see cref="SafeOpenAIOptions.Budget"/>), alerts go to the registered <see cref="IBudgetAlertSink"/>s.
    /// When <see cref="RedisBudgetOptions.Configuration"/> is not set, the <see cref="IConnectionMultiplexer"/>
    /// registered in dependency injection is used (and not disposed by the tracker). A connection
    /// opened from <see cref="RedisBudgetOptions.Configuration"/> is shared with
    /// <c>UseRedisAccessPolicy</c> (one connection per configuration string) and closed when the
    /// service provider is disposed.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="OptionsValidationException">The options are invalid (at start-up, or when the tracker is first resolved).</exception>
    public static ISafeOpenAIBuilder UseRedisBudgets(this ISafeOpenAIBuilder builder, Action<RedisBudgetOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<RedisBudgetOptions>().Configure(configure);
        return AddCore(builder, RedisBudgetOptions.SectionName);
    }

    /// <summary>
    /// Keeps budgets and request rates in Redis, shared by every instance of the application, with
    /// options bound from a configuration section (normally <c>SafeOpenAI:Redis</c>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configuration">The section, for example <c>configuration.GetSection("SafeOpenAI:Redis")</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="OptionsValidationException">The options are invalid (at start-up, or when the tracker is first resolved).</exception>
    public static ISafeOpenAIBuilder UseRedisBudgets(this ISafeOpenAIBuilder builder, IConfigurationSection configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<RedisBudgetOptions>().Bind(configuration);
        return AddCore(builder, configuration.Path);
    }

    private static ISafeOpenAIBuilder AddCore(ISafeOpenAIBuilder builder, string sectionPath)
    {
        var services = builder.Services;
        services.AddOptions<RedisBudgetOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisBudgetOptions>, RedisBudgetOptionsValidator>(sp =>
            new RedisBudgetOptionsValidator(sectionPath, sp.GetRequiredService<IServiceProviderIsService>().IsService(typeof(IConnectionMultiplexer)))));
        services.TryAddSingleton<RedisConnectionCache>();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RedisBudgetOptions>>().Value;
            var budget = sp.GetRequiredService<IOptions<SafeOpenAIOptions>>().Value.Budget;
            var alerts = sp.GetRequiredService<BudgetAlertDispatcher>();
            var loggers = sp.GetService<ILoggerFactory>();
            var time = sp.GetService<TimeProvider>();
            return string.IsNullOrWhiteSpace(options.Configuration)
                ? new RedisBudgetTracker(sp.GetRequiredService<IConnectionMultiplexer>(), options, budget, alerts, loggers, time)
                : new RedisBudgetTracker(sp.GetRequiredService<RedisConnectionCache>().Get(options.Configuration, options.OperationTimeout), options, budget, alerts, loggers, time);
        });
        // Replaces any reader registered before, so that usage is read where the budgets are kept.
        services.Replace(ServiceDescriptor.Singleton<IBudgetUsageReader>(sp => sp.GetRequiredService<RedisBudgetTracker>()));
        return builder.UseBudgetTracker(sp => sp.GetRequiredService<RedisBudgetTracker>());
    }
}
