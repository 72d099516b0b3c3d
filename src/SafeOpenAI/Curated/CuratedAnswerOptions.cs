namespace SafeOpenAI;

/// <summary>
/// Options of <see cref="CuratedAnswerRouter"/>: when a curated article answers the user itself,
/// and when it is only given to the model as a source. Read once, when the router is created.
/// </summary>
public sealed class CuratedAnswerOptions
{
    /// <summary>
    /// Gets or sets the confidence (<see cref="CuratedMatch.Confidence"/>, 0–1) from which the best
    /// article is returned as the answer without calling the model. Default 0.7: the article holds every query term
    /// (IDF-weighted) and the runner-up scores at most 60 % of it, or it holds 70 % and no other
    /// article matches. Raise it to answer less often from the knowledge base.
    /// </summary>
    public double AnswerThreshold { get; set; } = 0.7;

    /// <summary>
    /// Gets or sets the confidence from which the best articles are given to the model as sources
    /// (below <see cref="AnswerThreshold"/>). Default 0.3. Set it equal to
    /// <see cref="AnswerThreshold"/> to never add sources.
    /// </summary>
    public double SourceThreshold { get; set; } = 0.3;

    /// <summary>Gets or sets the most articles given to the model as sources. Default 2; between 1 and 10.</summary>
    public int MaxSources { get; set; } = 2;

    /// <summary>
    /// Gets or sets a value indicating whether the articles given as sources are also written into
    /// the conversation, as a system (or developer) message after the application's own
    /// instructions. Default <see langword="true"/>. Turn it off when
    /// <see cref="SpotlightingOptions.InlineSources"/> already writes the request's sources into the
    /// conversation, so they are not sent twice.
    /// </summary>
    public bool InlineArticles { get; set; } = true;
}
