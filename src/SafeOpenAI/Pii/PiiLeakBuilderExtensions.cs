namespace SafeOpenAI;

/// <summary>Registers <see cref="PiiLeakValidator"/> in the SafeOpenAI pipeline.</summary>
public static class PiiLeakBuilderExtensions
{
    /// <summary>
    /// Appends a <see cref="PiiLeakValidator"/>: personal data in the answer that the user did not
    /// supply is redacted or blocked. Call it after <see cref="PiiRedactionBuilderExtensions.AddPiiRedaction"/>,
    /// so that the user's values are put back first and then recognised as the user's own.
    /// </summary>
    /// <param name="builder">The SafeOpenAI builder.</param>
    /// <param name="configure">Configures the options; optional.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The PiiLeakCheck defense is also switched on in configuration (<c>SafeOpenAI:Defenses:PiiLeakCheck:Enabled</c>).</exception>
    /// <exception cref="ArgumentException">An option is invalid (thrown when the pipeline is built).</exception>
    public static ISafeOpenAIBuilder AddPiiLeakCheck(this ISafeOpenAIBuilder builder, Action<PiiLeakOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ConfiguredDefenses.Mark(builder, ConfiguredDefenses.PiiLeakCheck);
        var options = new PiiLeakOptions();
        configure?.Invoke(options);
        return builder.AddOutputValidator(_ => new PiiLeakValidator(options));
    }
}
