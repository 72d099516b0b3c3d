using Microsoft.Extensions.DependencyInjection;

namespace SafeOpenAI;

/// <summary>
/// Composes the SafeOpenAI pipeline after <c>services.AddSafeOpenAI(...)</c>, the way
/// <c>IHttpClientBuilder</c> composes an HTTP client: each call adds or replaces one stage and
/// returns the builder. Input guards and output validators run in the order they are added,
/// after the built-in <see cref="InputLengthGuard"/>.
/// </summary>
public interface ISafeOpenAIBuilder
{
    /// <summary>Gets the service collection the pipeline is registered in.</summary>
    IServiceCollection Services { get; }

    /// <summary>Appends an input guard created from the service provider (constructor injection).</summary>
    /// <typeparam name="TGuard">The guard type.</typeparam>
    /// <returns>This builder.</returns>
    ISafeOpenAIBuilder AddInputGuard<TGuard>()
        where TGuard : class, IInputGuard;

    /// <summary>Appends an input guard created by a factory.</summary>
    /// <param name="factory">Creates the guard once, when the pipeline is built.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is null.</exception>
    ISafeOpenAIBuilder AddInputGuard(Func<IServiceProvider, IInputGuard> factory);

    /// <summary>Appends an output validator created from the service provider (constructor injection).</summary>
    /// <typeparam name="TValidator">The validator type.</typeparam>
    /// <returns>This builder.</returns>
    ISafeOpenAIBuilder AddOutputValidator<TValidator>()
        where TValidator : class, IOutputValidator;

    /// <summary>Appends an output validator created by a factory.</summary>
    /// <param name="factory">Creates the validator once, when the pipeline is built.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is null.</exception>
    ISafeOpenAIBuilder AddOutputValidator(Func<IServiceProvider, IOutputValidator> factory);

    /// <summary>Replaces the moderation check (default <see cref="OpenAIModerationCheck"/>).</summary>
    /// <typeparam name="TCheck">The check type, created by constructor injection.</typeparam>
    /// <returns>This builder.</returns>
    ISafeOpenAIBuilder UseModeration<TCheck>()
        where TCheck : class, IModerationCheck;

    /// <summary>Replaces the moderation check with one created by a factory.</summary>
    /// <param name="factory">Creates the check once, when the pipeline is built.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is null.</exception>
    ISafeOpenAIBuilder UseModeration(Func<IServiceProvider, IModerationCheck> factory);

    /// <summary>Replaces the budget tracker (default <see cref="InMemoryBudgetTracker"/>).</summary>
    /// <typeparam name="TTracker">The tracker type, created by constructor injection.</typeparam>
    /// <returns>This builder.</returns>
    ISafeOpenAIBuilder UseBudgetTracker<TTracker>()
        where TTracker : class, IBudgetTracker;

    /// <summary>Replaces the budget tracker with one created by a factory.</summary>
    /// <param name="factory">Creates the tracker once, when the pipeline is built.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is null.</exception>
    ISafeOpenAIBuilder UseBudgetTracker(Func<IServiceProvider, IBudgetTracker> factory);

    /// <summary>
    /// Adds a receiver of <see cref="BudgetAlert"/>s, besides the default
    /// <see cref="LoggerBudgetAlertSink"/>; sinks are called in registration order.
    /// </summary>
    /// <typeparam name="TSink">The sink type, registered as a singleton.</typeparam>
    /// <returns>This builder.</returns>
    ISafeOpenAIBuilder AddBudgetAlertSink<TSink>()
        where TSink : class, IBudgetAlertSink;

    /// <summary>Replaces the audit sink (default <see cref="LoggerAuditSink"/>).</summary>
    /// <typeparam name="TSink">The sink type, registered as a singleton.</typeparam>
    /// <returns>This builder.</returns>
    ISafeOpenAIBuilder UseAuditSink<TSink>()
        where TSink : class, IAuditSink;
}
