namespace SafeOpenAI;

/// <summary>Registers <see cref="KeywordFilter"/> and its competitor flavour in the SafeOpenAI pipeline.</summary>
public static class KeywordFilterBuilderExtensions
{
    /// <summary>
    /// Adds a keyword filter (stage <c>KeywordFilter</c>, code <c>keyword.blocked</c>): as an input guard
    /// when <see cref="KeywordFilterOptions.Direction"/> includes <see cref="FilterDirection.Input"/> and as
    /// an output validator when it includes <see cref="FilterDirection.Output"/> (both by default). Both
    /// stages share one filter instance.
    /// </summary>
    /// <param name="builder">The SafeOpenAI builder.</param>
    /// <param name="configure">Configures the options; it must list at least one keyword.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The KeywordFilter defense is also switched on in configuration (<c>SafeOpenAI:Defenses:KeywordFilter:Enabled</c>).</exception>
    /// <exception cref="ArgumentException">An option is invalid, for example no keywords (thrown when the pipeline is built).</exception>
    public static ISafeOpenAIBuilder AddKeywordFilter(this ISafeOpenAIBuilder builder, Action<KeywordFilterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        ConfiguredDefenses.Mark(builder, ConfiguredDefenses.KeywordFilter);
        return Add(builder, configure, static o => new KeywordFilter(o));
    }

    /// <summary>
    /// Adds a competitor filter (stage <c>CompetitorFilter</c>, code <c>keyword.competitor</c>): the same
    /// matching as <see cref="AddKeywordFilter"/> over the competitors' names, with its own code so that both
    /// filters can be configured at once.
    /// </summary>
    /// <param name="builder">The SafeOpenAI builder.</param>
    /// <param name="configure">Configures the options; <see cref="KeywordFilterOptions.Keywords"/> must list at least one name.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The CompetitorFilter defense is also switched on in configuration (<c>SafeOpenAI:Defenses:CompetitorFilter:Enabled</c>).</exception>
    /// <exception cref="ArgumentException">An option is invalid, for example no names (thrown when the pipeline is built).</exception>
    public static ISafeOpenAIBuilder AddCompetitorFilter(this ISafeOpenAIBuilder builder, Action<KeywordFilterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        ConfiguredDefenses.Mark(builder, ConfiguredDefenses.CompetitorFilter);
        return Add(builder, configure, KeywordFilter.ForCompetitors);
    }

    private static ISafeOpenAIBuilder Add(ISafeOpenAIBuilder builder, Action<KeywordFilterOptions> configure, Func<KeywordFilterOptions, KeywordFilter> create)
    {
        var options = new KeywordFilterOptions();
        configure(options);
        var filter = new Lazy<KeywordFilter>(() => create(options), LazyThreadSafetyMode.ExecutionAndPublication);
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
