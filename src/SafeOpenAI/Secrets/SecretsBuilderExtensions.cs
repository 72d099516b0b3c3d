namespace SafeOpenAI;

/// <summary>Registers <see cref="SecretsGuard"/> in the SafeOpenAI pipeline.</summary>
public static class SecretsBuilderExtensions
{
    /// <summary>Adds the secrets guard as an input guard, after the guards added before it (add it before <c>AddPiiRedaction</c>).</summary>
    /// <param name="builder">The SafeOpenAI builder.</param>
    /// <param name="configure">Configures the options; optional.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The Secrets defense is also switched on in configuration (<c>SafeOpenAI:Defenses:Secrets:Enabled</c>).</exception>
    public static ISafeOpenAIBuilder AddSecretsGuard(this ISafeOpenAIBuilder builder, Action<SecretsGuardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ConfiguredDefenses.Mark(builder, ConfiguredDefenses.Secrets);
        var options = new SecretsGuardOptions();
        configure?.Invoke(options);
        builder.AddInputGuard(_ => new SecretsGuard(options));
        return builder;
    }
}
