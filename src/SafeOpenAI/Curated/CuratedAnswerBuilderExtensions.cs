namespace SafeOpenAI;

/// <summary>Registers <see cref="CuratedAnswerRouter"/> in the SafeOpenAI pipeline.</summary>
public static class CuratedAnswerBuilderExtensions
{
    /// <summary>
    /// Appends a <see cref="CuratedAnswerRouter"/> as an input guard: questions a curated article
    /// answers with enough confidence get that article without a model call; close matches are
    /// given to the model as sources. Add it after the guards that must see every request
    /// (secrets, PII redaction, prompt injection), so a blocked request is never answered.
    /// </summary>
    /// <param name="builder">The SafeOpenAI builder.</param>
    /// <param name="knowledgeBase">The articles (<see cref="CuratedKnowledgeBase.LoadJson"/> reads them from a file).</param>
    /// <param name="configure">Configures the thresholds; optional.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="knowledgeBase"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A threshold or <see cref="CuratedAnswerOptions.MaxSources"/> is out of range (thrown when the pipeline is built).</exception>
    public static ISafeOpenAIBuilder AddCuratedAnswers(this ISafeOpenAIBuilder builder, CuratedKnowledgeBase knowledgeBase, Action<CuratedAnswerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        var options = new CuratedAnswerOptions();
        configure?.Invoke(options);
        return builder.AddInputGuard(_ => new CuratedAnswerRouter(knowledgeBase, options));
    }
}
