namespace SafeOpenAI;

/// <summary>
/// Options of <see cref="KeywordFilter"/> (and of its competitor flavour,
/// <see cref="KeywordFilter.ForCompetitors"/>): the terms to refuse and where. Read once, when the
/// filter is created; not thread-safe to mutate afterwards. Every option binds from configuration
/// (<c>SafeOpenAI:Defenses:KeywordFilter</c> or <c>SafeOpenAI:Defenses:CompetitorFilter</c>).
/// </summary>
public sealed class KeywordFilterOptions
{
    /// <summary>
    /// Gets the terms: words or phrases (<c>Acme</c>, <c>Acme Cloud</c>, <c>競合社</c>), matched as whole
    /// words, case-insensitively, after Unicode normalisation (see <see cref="KeywordFilter"/>). At least
    /// one is required; thousands are fine (one pass over the text whatever their number).
    /// </summary>
    public IList<string> Keywords { get; } = new List<string>();

    /// <summary>Gets or sets which side is checked. Default <see cref="FilterDirection.Both"/>.</summary>
    public FilterDirection Direction { get; set; } = FilterDirection.Both;

    /// <summary>
    /// Gets or sets a value indicating whether tool messages in the request are checked too. Default
    /// <see langword="false"/>: a tool result (a search result, a document) may name a term without the
    /// user doing so; what the model repeats from it is checked on output.
    /// </summary>
    public bool IncludeToolMessages { get; set; }
}
