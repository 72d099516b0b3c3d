namespace SafeOpenAI;

/// <summary>
/// One article found for a query by <see cref="CuratedKnowledgeBase.Search"/>: its Okapi BM25
/// score and a confidence from 0 to 1. Immutable and thread-safe.
/// </summary>
public sealed class CuratedMatch
{
    /// <summary>Creates a match.</summary>
    /// <param name="article">The article.</param>
    /// <param name="score">The BM25 score; positive, unbounded.</param>
    /// <param name="coverage">The IDF-weighted share of the query's terms the article contains, 0–1.</param>
    /// <param name="margin">How far the score stands above the best other article's, 0–1.</param>
    /// <exception cref="ArgumentNullException"><paramref name="article"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="coverage"/> or <paramref name="margin"/> is outside 0–1.</exception>
    public CuratedMatch(CuratedArticle article, double score, double coverage, double margin)
    {
        ArgumentNullException.ThrowIfNull(article);
        if (coverage is < 0 or > 1 || double.IsNaN(coverage))
        {
            throw new ArgumentOutOfRangeException(nameof(coverage), "The coverage is between 0 and 1.");
        }

        if (margin is < 0 or > 1 || double.IsNaN(margin))
        {
            throw new ArgumentOutOfRangeException(nameof(margin), "The margin is between 0 and 1.");
        }

        Article = article;
        Score = score;
        Coverage = coverage;
        Margin = margin;
    }

    /// <summary>Gets the article.</summary>
    public CuratedArticle Article { get; }

    /// <summary>Gets the Okapi BM25 score (a sum of IDF-weighted, saturated term frequencies; unbounded, comparable only within one query).</summary>
    public double Score { get; }

    /// <summary>
    /// Gets the IDF-weighted share of the query's distinct terms that the article contains:
    /// Σ IDF(matched terms) ÷ Σ IDF(all query terms), where a term no article contains gets the
    /// largest IDF. 1 when every query term is in the article.
    /// </summary>
    public double Coverage { get; }

    /// <summary>
    /// Gets how far the score stands above the best other article's: 1 − other ÷ score, clamped to
    /// 0–1. 1 when no other article matches; 0 for every match but the first.
    /// </summary>
    public double Margin { get; }

    /// <summary>
    /// Gets the confidence that the article answers the query: <see cref="Coverage"/> × (0.5 + 0.5 ×
    /// <see cref="Margin"/>), from 0 to 1. A query the article covers fully and alone scores 1; a
    /// full cover tied with another article scores 0.5.
    /// </summary>
    public double Confidence => Coverage * (0.5 + (0.5 * Margin));

    /// <summary>Returns the article id and the figures.</summary>
    /// <returns>For example <c>reset-password score=7.21 confidence=0.93</c>.</returns>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Article.Id} score={Score:0.00} confidence={Confidence:0.00}");
}
