namespace SafeOpenAI;

/// <summary>Registers <see cref="PromptInjectionGuard"/> on the SafeOpenAI builder.</summary>
public static class PromptInjectionGuardBuilderExtensions
{
    /// <summary>
    /// Appends the offline prompt-injection and jailbreak guard. Add it after the secrets and PII
    /// guards and before topic guards (<c>docs/architecture.md</c>, step 4).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options; <see langword="null"/> for the defaults.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The PromptInjection defense is also switched on in configuration (<c>SafeOpenAI:Defenses:PromptInjection:Enabled</c>).</exception>
    public static ISafeOpenAIBuilder AddPromptInjectionGuard(this ISafeOpenAIBuilder builder, Action<PromptInjectionGuardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ConfiguredDefenses.Mark(builder, ConfiguredDefenses.PromptInjection);
        var options = new PromptInjectionGuardOptions();
        configure?.Invoke(options);
        return builder.AddInputGuard(_ => new PromptInjectionGuard(options));
    }
}
