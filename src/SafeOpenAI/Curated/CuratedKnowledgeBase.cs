using System.Buffers;
using System.Text.Json;

namespace SafeOpenAI;

/// <summary>
/// A curated knowledge base: validated articles (id, title, body) and an Okapi BM25 index over
/// their titles and bodies, built once. Immutable and thread-safe; share one instance.
/// </summary>
/// <remarks>
/// <para>
/// Ranking is Okapi BM25 (Robertson and Zaragoza 2009, "The Probabilistic Relevance Framework:
/// BM25 and Beyond", Foundations and Trends in IR 3(4)): for a query of distinct terms q,
/// score(D) = Σ IDF(q) · f(q,D) · (k1 + 1) ÷ (f(q,D) + k1 · (1 − b + b · |D| ÷ avgdl)), with
/// IDF(q) = ln(1 + (N − n(q) + 0.5) ÷ (n(q) + 0.5)), the non-negative form Lucene uses. k1 (default
/// 1.2) bounds how much repeating a term adds; b (default 0.75) is how strongly long articles are
/// normalised; both are the defaults of Lucene and of Robertson and Zaragoza's experiments. Title
/// terms count twice in f and |D| (a simplified BM25F: Robertson, Zaragoza and Taylor 2004).
/// </para>
/// <para>
/// Terms: see <c>CuratedTextAnalyzer</c> in the docs (text normalisation, English stop words, a
/// light stemmer). Postings hold each term's precomputed saturated weight per article, so a query
/// costs one pass over the postings of its terms. BM25 scores are unbounded and only comparable
/// within one query, so each match also carries a confidence from 0 to 1
/// (<see cref="CuratedMatch.Confidence"/>).
/// </para>
/// </remarks>
public sealed class CuratedKnowledgeBase
{
    private readonly CuratedArticle[] _articles;
    private readonly Dictionary<string, Posting[]> _postings;
    private readonly Dictionary<string, double> _idf;
    private readonly double _maxIdf;

    /// <summary>Builds the index.</summary>
    /// <param name="articles">The articles; ids unique (ordinal).</param>
    /// <param name="k1">BM25 term-frequency saturation, 0–10; default 1.2.</param>
    /// <param name="b">BM25 length normalisation, 0–1; default 0.75.</param>
    /// <exception cref="ArgumentNullException"><paramref name="articles"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException">Two articles share an id.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k1"/> or <paramref name="b"/> is out of range.</exception>
    public CuratedKnowledgeBase(IEnumerable<CuratedArticle> articles, double k1 = 1.2, double b = 0.75)
    {
        ArgumentNullException.ThrowIfNull(articles);
        if (k1 is < 0 or > 10 || double.IsNaN(k1))
        {
            throw new ArgumentOutOfRangeException(nameof(k1), "k1 is between 0 and 10.");
        }

        if (b is < 0 or > 1 || double.IsNaN(b))
        {
            throw new ArgumentOutOfRangeException(nameof(b), "b is between 0 and 1.");
        }

        _articles = [.. articles];
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var article in _articles)
        {
            ArgumentNullException.ThrowIfNull(article, nameof(articles));
            if (!ids.Add(article.Id))
            {
                throw new ArgumentException($"Two articles have the id '{article.Id}'.", nameof(articles));
            }
        }

        K1 = k1;
        B = b;

        // Term frequencies per article, title terms counted twice.
        var frequencies = new Dictionary<string, int>[_articles.Length];
        var lengths = new int[_articles.Length];
        long total = 0;
        for (var i = 0; i < _articles.Length; i++)
        {
            var tf = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var term in CuratedTextAnalyzer.Terms(_articles[i].Title))
            {
                tf[term] = tf.GetValueOrDefault(term) + 2;
                lengths[i] += 2;
            }

            foreach (var term in CuratedTextAnalyzer.Terms(_articles[i].Body))
            {
                tf[term] = tf.GetValueOrDefault(term) + 1;
                lengths[i]++;
            }

            frequencies[i] = tf;
            total += lengths[i];
        }

        var averageLength = _articles.Length == 0 ? 1.0 : Math.Max(1.0, (double)total / _articles.Length);
        var lists = new Dictionary<string, List<Posting>>(StringComparer.Ordinal);
        for (var i = 0; i < _articles.Length; i++)
        {
            var norm = k1 * (1 - b + (b * lengths[i] / averageLength));
            foreach (var (term, f) in frequencies[i])
            {
                if (!lists.TryGetValue(term, out var list))
                {
                    lists[term] = list = [];
                }

                list.Add(new Posting(i, f * (k1 + 1) / (f + norm)));
            }
        }

        var n = _articles.Length;
        _postings = new Dictionary<string, Posting[]>(lists.Count, StringComparer.Ordinal);
        _idf = new Dictionary<string, double>(lists.Count, StringComparer.Ordinal);
        foreach (var (term, list) in lists)
        {
            _postings[term] = [.. list];
            _idf[term] = Idf(n, list.Count);
        }

        _maxIdf = Idf(n, 0);
        AverageLength = averageLength;
    }

    /// <summary>Gets the articles, in the order given.</summary>
    public IReadOnlyList<CuratedArticle> Articles => _articles;

    /// <summary>Gets the BM25 k1 parameter (term-frequency saturation).</summary>
    public double K1 { get; }

    /// <summary>Gets the BM25 b parameter (length normalisation).</summary>
    public double B { get; }

    /// <summary>Gets the average article length in terms (title terms counted twice).</summary>
    public double AverageLength { get; }

    /// <summary>Gets the number of distinct terms in the index.</summary>
    public int TermCount => _postings.Count;

    /// <summary>
    /// Reads a knowledge base from a JSON file: an array of <c>{"id", "title", "body"}</c> objects,
    /// or an object whose <c>articles</c> property is such an array.
    /// </summary>
    /// <param name="path">The file path (UTF-8).</param>
    /// <param name="k1">BM25 k1; default 1.2.</param>
    /// <param name="b">BM25 b; default 0.75.</param>
    /// <returns>The knowledge base.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or an article is invalid.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="JsonException">The file is not JSON of that shape.</exception>
    public static CuratedKnowledgeBase LoadJson(string path, double k1 = 1.2, double b = 0.75)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return FromJson(File.ReadAllText(path), k1, b);
    }

    /// <summary>Reads a knowledge base from JSON text of the shape <see cref="LoadJson"/> reads.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="k1">BM25 k1; default 1.2.</param>
    /// <param name="b">BM25 b; default 0.75.</param>
    /// <returns>The knowledge base.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="ArgumentException">An article is invalid or two share an id.</exception>
    /// <exception cref="JsonException">The text is not JSON of that shape.</exception>
    public static CuratedKnowledgeBase FromJson(string json, double k1 = 1.2, double b = 0.75)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("articles", out var inner))
        {
            root = inner;
        }

        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("A curated knowledge base is a JSON array of {\"id\", \"title\", \"body\"} objects, or an object with an \"articles\" array.");
        }

        var articles = new List<CuratedArticle>(root.GetArrayLength());
        var index = 0;
        foreach (var element in root.EnumerateArray())
        {
            articles.Add(new CuratedArticle(ReadString(element, "id", index), ReadString(element, "title", index), ReadString(element, "body", index)));
            index++;
        }

        return new CuratedKnowledgeBase(articles, k1, b);
    }

    /// <summary>Finds the articles that best match a query.</summary>
    /// <param name="query">The query text, for example the user's question.</param>
    /// <param name="top">The most matches to return; at least 1.</param>
    /// <returns>The matches by descending score (ties in article order); empty when no article shares a term with the query.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="top"/> is less than 1.</exception>
    public IReadOnlyList<CuratedMatch> Search(string query, int top = 3)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        var terms = CuratedTextAnalyzer.Terms(query);
        if (terms.Count == 0 || _articles.Length == 0)
        {
            return [];
        }

        var distinct = new HashSet<string>(terms, StringComparer.Ordinal);
        var scores = ArrayPool<double>.Shared.Rent(_articles.Length);
        var covered = ArrayPool<double>.Shared.Rent(_articles.Length);
        Array.Clear(scores, 0, _articles.Length);
        Array.Clear(covered, 0, _articles.Length);
        var touched = new List<int>();
        try
        {
            var queryIdf = 0.0;
            foreach (var term in distinct)
            {
                if (!_postings.TryGetValue(term, out var postings))
                {
                    queryIdf += _maxIdf;
                    continue;
                }

                var idf = _idf[term];
                queryIdf += idf;
                foreach (var posting in postings)
                {
                    if (covered[posting.Article] == 0)
                    {
                        touched.Add(posting.Article);
                    }

                    scores[posting.Article] += idf * posting.Weight;
                    covered[posting.Article] += idf;
                }
            }

            if (touched.Count == 0)
            {
                return [];
            }

            touched.Sort((x, y) =>
            {
                var byScore = scores[y].CompareTo(scores[x]);
                return byScore != 0 ? byScore : x.CompareTo(y);
            });

            var count = Math.Min(top, touched.Count);
            var best = scores[touched[0]];
            var second = touched.Count > 1 ? scores[touched[1]] : 0.0;
            var matches = new CuratedMatch[count];
            for (var i = 0; i < count; i++)
            {
                var article = touched[i];
                var score = scores[article];
                var other = i == 0 ? second : best;
                var margin = score <= 0 ? 0 : Math.Clamp(1 - (other / score), 0, 1);
                var coverage = queryIdf <= 0 ? 0 : Math.Clamp(covered[article] / queryIdf, 0, 1);
                matches[i] = new CuratedMatch(_articles[article], score, coverage, margin);
            }

            return matches;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(scores);
            ArrayPool<double>.Shared.Return(covered);
        }
    }

    private static double Idf(int articles, int containing) =>
        Math.Log(1 + ((articles - containing + 0.5) / (containing + 0.5)));

    private static string ReadString(JsonElement element, string name, int index) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new JsonException($"Article [{index}] needs a string \"{name}\".");

    private readonly record struct Posting(int Article, double Weight);
}
