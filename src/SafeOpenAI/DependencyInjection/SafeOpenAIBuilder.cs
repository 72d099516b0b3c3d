using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SafeOpenAI;

/// <summary>The <see cref="ISafeOpenAIBuilder"/> returned by <c>AddSafeOpenAI</c>.</summary>
internal sealed class SafeOpenAIBuilder(IServiceCollection services, SafetyStageRegistry registry) : ISafeOpenAIBuilder
{
    public IServiceCollection Services { get; } = services;

    /// <summary>Gets the stages this builder adds to.</summary>
    public SafetyStageRegistry Registry { get; } = registry;

    public ISafeOpenAIBuilder AddInputGuard<TGuard>()
        where TGuard : class, IInputGuard =>
        AddInputGuard(sp => ActivatorUtilities.CreateInstance<TGuard>(sp));

    public ISafeOpenAIBuilder AddInputGuard(Func<IServiceProvider, IInputGuard> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Registry.InputGuards.Add(factory);
        return this;
    }

    public ISafeOpenAIBuilder AddOutputValidator<TValidator>()
        where TValidator : class, IOutputValidator =>
        AddOutputValidator(sp => ActivatorUtilities.CreateInstance<TValidator>(sp));

    public ISafeOpenAIBuilder AddOutputValidator(Func<IServiceProvider, IOutputValidator> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Registry.OutputValidators.Add(factory);
        return this;
    }

    public ISafeOpenAIBuilder UseModeration<TCheck>()
        where TCheck : class, IModerationCheck =>
        UseModeration(sp => ActivatorUtilities.CreateInstance<TCheck>(sp));

    public ISafeOpenAIBuilder UseModeration(Func<IServiceProvider, IModerationCheck> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Registry.Moderation = factory;
        return this;
    }

    public ISafeOpenAIBuilder UseBudgetTracker<TTracker>()
        where TTracker : class, IBudgetTracker =>
        UseBudgetTracker(sp => ActivatorUtilities.CreateInstance<TTracker>(sp));

    public ISafeOpenAIBuilder UseBudgetTracker(Func<IServiceProvider, IBudgetTracker> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Registry.BudgetTracker = factory;
        return this;
    }

    public ISafeOpenAIBuilder AddBudgetAlertSink<TSink>()
        where TSink : class, IBudgetAlertSink
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IBudgetAlertSink, TSink>());
        return this;
    }

    public ISafeOpenAIBuilder UseAuditSink<TSink>()
        where TSink : class, IAuditSink
    {
        Services.RemoveAll<IAuditSink>();
        Services.AddSingleton<IAuditSink, TSink>();
        return this;
    }
}
