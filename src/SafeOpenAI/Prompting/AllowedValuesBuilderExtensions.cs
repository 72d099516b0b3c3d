namespace SafeOpenAI;

/// <summary>Registers <see cref="AllowedValuesGuard"/> on an <see cref="ISafeOpenAIBuilder"/>.</summary>
public static class AllowedValuesBuilderExtensions
{
    /// <summary>
    /// Appends an <see cref="AllowedValuesGuard"/>, which blocks user input that is not one of a
    /// fixed list (OpenAI's "validated drop-down instead of free text").
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adds the rules, for example <c>o =&gt; o.AllowWholeMessage("billing", "shipping")</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">No rule was configured (thrown when the pipeline is built).</exception>
    public static ISafeOpenAIBuilder AddAllowedValues(this ISafeOpenAIBuilder builder, Action<AllowedValuesOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.AddInputGuard(_ =>
        {
            var options = new AllowedValuesOptions();
            configure(options);
            return new AllowedValuesGuard(options);
        });
    }
}
