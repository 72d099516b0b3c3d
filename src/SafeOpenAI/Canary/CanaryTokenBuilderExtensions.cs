namespace SafeOpenAI;

/// <summary>Registers the canary-token stages on an <see cref="ISafeOpenAIBuilder"/>.</summary>
public static class CanaryTokenBuilderExtensions
{
    /// <summary>
    /// Appends a <see cref="CanaryTokenGuard"/> (a random token in the system prompt of every
    /// request, as in Rebuff) and a <see cref="CanaryLeakValidator"/> (blocks answers that disclose
    /// the token or a long verbatim run of the system prompt), sharing one set of options.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options; <see langword="null"/> keeps the defaults.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The CanaryTokens defense is also switched on in configuration (<c>SafeOpenAI:Defenses:CanaryTokens:Enabled</c>).</exception>
    /// <exception cref="ArgumentException">The configured options are invalid (thrown when the pipeline is built).</exception>
    public static ISafeOpenAIBuilder AddCanaryTokens(this ISafeOpenAIBuilder builder, Action<CanaryTokenOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ConfiguredDefenses.Mark(builder, ConfiguredDefenses.CanaryTokens);
        var options = new Lazy<CanaryTokenOptions>(() =>
        {
            var created = new CanaryTokenOptions();
            configure?.Invoke(created);
            return created;
        });
        return builder
            .AddInputGuard(_ => new CanaryTokenGuard(options.Value))
            .AddOutputValidator(_ => new CanaryLeakValidator(options.Value));
    }
}
