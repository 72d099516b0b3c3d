namespace SafeOpenAI;

/// <summary>Registers <see cref="UrlFilter"/> in the SafeOpenAI pipeline.</summary>
public static class UrlFilterBuilderExtensions
{
    /// <summary>
    /// Adds the URL filter: as an input guard when <see cref="UrlFilterOptions.Direction"/> includes
    /// <see cref="FilterDirection.Input"/> and as an output validator when it includes
    /// <see cref="FilterDirection.Output"/> (both by default), each after the stages added before it.
    /// Add it before <c>AddPiiRedaction</c>, which replaces URLs with placeholders the filter cannot judge.
    /// Both stages share one filter instance.
    /// </summary>
    /// <param name="builder">The SafeOpenAI builder.</param>
    /// <param name="configure">Configures the options; optional. Without it only dangerous URLs are refused.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The UrlFilter defense is also switched on in configuration (<c>SafeOpenAI:Defenses:UrlFilter:Enabled</c>).</exception>
    /// <exception cref="ArgumentException">An option is invalid (thrown when the pipeline is built).</exception>
    public static ISafeOpenAIBuilder AddUrlFilter(this ISafeOpenAIBuilder builder, Action<UrlFilterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ConfiguredDefenses.Mark(builder, ConfiguredDefenses.UrlFilter);
        var options = new UrlFilterOptions();
        configure?.Invoke(options);
        var filter = new Lazy<UrlFilter>(() => new UrlFilter(options), LazyThreadSafetyMode.ExecutionAndPublication);
        if ((options.Direction & FilterDirection.Input) != 0)
        {
            builder.AddInputGuard(_ => filter.Value);
        }

        if ((options.Direction & FilterDirection.Output) != 0)
        {
            builder.AddOutputValidator(_ => filter.Value);
        }

        return builder;
    }
}
