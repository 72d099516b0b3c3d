using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace SafeOpenAI.Redis;

/// <summary>Registers <see cref="RedisUserAccessPolicy"/> as the <see cref="IUserAccessPolicy"/> of an <see cref="ISafeOpenAIBuilder"/>.</summary>
public static class RedisAccessPolicyBuilderExtensions
{
    /// <summary>
    /// Keeps user suspensions in Redis, shared by every instance of the application, with options
    /// set in code. Replaces the default in-memory policy; the pipeline's access check and the
    /// anomaly monitor's suspensions then go to Redis.
    /// </summary>
    /// <remarks>
    /// The connection: <see cref="RedisAccessPolicyOptions.Configuration"/> when set; otherwise the
    /// budgets' <see cref="RedisBudgetOptions.Configuration"/> (<c>UseRedisBudgets</c>), sharing its
    /// connection; otherwise the <see cref="IConnectionMultiplexer"/> registered in dependency
    /// injection. A connection opened from a configuration string is one per string per service
    /// provider, closed when the provider is disposed.
    /// </remarks>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="OptionsValidationException">The options are invalid (at start-up, or when the policy is first resolved).</exception>
    public static ISafeOpenAIBuilder UseRedisAccessPolicy(this ISafeOpenAIBuilder builder, Action<RedisAccessPolicyOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<RedisAccessPolicyOptions>().Configure(configure);
        return AddCore(builder, RedisAccessPolicyOptions.SectionName);
    }

    /// <summary>
    /// Keeps user suspensions in Redis, shared by every instance of the application, with options
    /// bound from a configuration section (normally <c>SafeOpenAI:Redis:Access</c>). See
    /// <see cref="UseRedisAccessPolicy(ISafeOpenAIBuilder, Action{RedisAccessPolicyOptions})"/> for the connection.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configuration">The section, for example <c>configuration.GetSection("SafeOpenAI:Redis:Access")</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="OptionsValidationException">The options are invalid (at start-up, or when the policy is first resolved).</exception>
    public static ISafeOpenAIBuilder UseRedisAccessPolicy(this ISafeOpenAIBuilder builder, IConfigurationSection configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<RedisAccessPolicyOptions>().Bind(configuration);
        return AddCore(builder, configuration.Path);
    }

    private static ISafeOpenAIBuilder AddCore(ISafeOpenAIBuilder builder, string sectionPath)
    {
        var services = builder.Services;
        services.AddOptions<RedisAccessPolicyOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisAccessPolicyOptions>, RedisAccessPolicyOptionsValidator>(sp =>
            new RedisAccessPolicyOptionsValidator(sectionPath, () =>
                !string.IsNullOrWhiteSpace(BudgetConfiguration(sp)) || sp.GetRequiredService<IServiceProviderIsService>().IsService(typeof(IConnectionMultiplexer)))));
        services.TryAddSingleton<RedisConnectionCache>();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RedisAccessPolicyOptions>>().Value;
            var configuration = string.IsNullOrWhiteSpace(options.Configuration) ? BudgetConfiguration(sp) : options.Configuration;
            var connection = string.IsNullOrWhiteSpace(configuration)
                ? sp.GetRequiredService<IConnectionMultiplexer>()
                : sp.GetRequiredService<RedisConnectionCache>().Get(configuration, configuration == options.Configuration ? options.OperationTimeout : BudgetTimeout(sp));
            return new RedisUserAccessPolicy(connection, options, sp.GetService<TimeProvider>(), sp.GetService<ILoggerFactory>());
        });
        // Replaces the default in-memory policy that AddSafeOpenAI registered.
        services.Replace(ServiceDescriptor.Singleton<IUserAccessPolicy>(sp => sp.GetRequiredService<RedisUserAccessPolicy>()));
        return builder;
    }

    // The budgets' connection string when UseRedisBudgets set one, so that both share one connection.
    private static string? BudgetConfiguration(IServiceProvider services) =>
        services.GetService<IOptions<RedisBudgetOptions>>()?.Value.Configuration;

    private static TimeSpan BudgetTimeout(IServiceProvider services) =>
        services.GetService<IOptions<RedisBudgetOptions>>()?.Value.OperationTimeout ?? TimeSpan.FromSeconds(2);
}
