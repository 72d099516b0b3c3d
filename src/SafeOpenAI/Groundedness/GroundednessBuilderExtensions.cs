namespace SafeOpenAI;

/// <summary>Registers <see cref="GroundednessValidator"/> in the SafeOpenAI pipeline.</summary>
public static class GroundednessBuilderExtensions
{
    /// <summary>
    /// Appends a <see cref="GroundednessValidator"/> after the output validators added before it.
    /// Requests without <see cref="SafetyRequest.Sources"/> pass it with no work. With a judge, the
    /// lexical check runs first and the judge decides only the claims it cannot settle (a score
    /// below <see cref="GroundednessOptions.JudgeSkipScore"/> with every entity, number, identifier
    /// and quote found in the sources).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options; <see langword="null"/> keeps the defaults.</param>
    /// <param name="judgeFactory">Creates the judge from the service provider, or <see langword="null"/> for the lexical check
    /// alone; for example <c>sp =&gt; new OpenAIGroundednessJudge(sp.GetRequiredKeyedService&lt;ChatClient&gt;("judge"))</c>.
    /// Give it an unguarded client of a small model, never the <see cref="SafeChatClient"/> itself.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The Groundedness defense is also switched on in configuration (<c>SafeOpenAI:Defenses:Groundedness:Enabled</c>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The configured options are invalid (thrown when the pipeline is built).</exception>
    public static ISafeOpenAIBuilder AddGroundednessCheck(this ISafeOpenAIBuilder builder, Action<GroundednessOptions>? configure = null, Func<IServiceProvider, IGroundednessJudge>? judgeFactory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ConfiguredDefenses.Mark(builder, ConfiguredDefenses.Groundedness);
        var options = new GroundednessOptions();
        configure?.Invoke(options);
        return builder.AddOutputValidator(sp => new GroundednessValidator(options, judgeFactory?.Invoke(sp)));
    }
}
