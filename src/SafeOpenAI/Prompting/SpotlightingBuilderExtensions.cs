namespace SafeOpenAI;

/// <summary>Registers <see cref="SpotlightingGuard"/> on an <see cref="ISafeOpenAIBuilder"/>.</summary>
public static class SpotlightingBuilderExtensions
{
    /// <summary>
    /// Appends a <see cref="SpotlightingGuard"/>, which marks untrusted content (tool results, and
    /// the request's sources when <see cref="SpotlightingOptions.InlineSources"/> is set) and adds
    /// the matching system-prompt instruction (Hines et al. 2024, arXiv:2403.14720). Add it after
    /// the detection guards, so they read the content unmarked.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options; <see langword="null"/> keeps the defaults (delimiting, tool messages).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The Spotlighting defense is also switched on in configuration (<c>SafeOpenAI:Defenses:Spotlighting:Enabled</c>).</exception>
    /// <exception cref="ArgumentException">The configured options are invalid (thrown when the pipeline is built).</exception>
    public static ISafeOpenAIBuilder AddSpotlighting(this ISafeOpenAIBuilder builder, Action<SpotlightingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ConfiguredDefenses.Mark(builder, ConfiguredDefenses.Spotlighting);
        return builder.AddInputGuard(_ =>
        {
            var options = new SpotlightingOptions();
            configure?.Invoke(options);
            return new SpotlightingGuard(options);
        });
    }
}
