namespace SafeOpenAI;

/// <summary>
/// Finds personal data in a text with the built-in recognisers (e-mail, phone, payment card,
/// US SSN, IBAN, IP address, Bitcoin address, URL) and any the application adds, in the manner of
/// Presidio's <c>AnalyzerEngine</c>: pattern, validation, context words, a score, then overlap
/// resolution. Thread-safe; create once and share.
/// </summary>
/// <remarks>
/// <para>Detection runs on a normalised copy of the text: zero-width and bidirectional control
/// characters and soft hyphens are removed, full-width forms (U+FF01–U+FF5E) and non-ASCII
/// decimal digits are folded to ASCII, and Unicode dashes to '-'. Reported offsets always refer to
/// the original text, so <c>a​b@example.com</c> (with a zero-width space) is found and redacted
/// whole. Homoglyph letters (Cyrillic 'а' for Latin 'a') are not folded.</para>
/// <para>Overlaps: findings are taken by descending score, then descending length, and a finding
/// that overlaps one already taken is dropped. Findings scoring below the minimum are dropped.</para>
/// <para>Cost: one pass per recogniser with character pre-filters ('@', "://", digits) and no
/// backtracking, so time is linear in the text's length.</para>
/// </remarks>
public sealed class PiiAnalyzer
{
    private readonly IPiiRecognizer[] _recognizers;
    private readonly HashSet<string>? _entities;
    private readonly double _minimumScore;

    /// <summary>Creates an analyzer.</summary>
    /// <param name="additionalRecognizers">Recognisers the application adds (a <see cref="PatternPiiRecognizer"/>, its own <see cref="IPiiRecognizer"/>); optional.</param>
    /// <param name="entities">The entity types to report; <see langword="null"/> for every type of every recogniser.</param>
    /// <param name="minimumScore">Findings scoring below this (0–1) are dropped; default 0.4.</param>
    /// <param name="defaultPhoneRegion">The ISO 3166-1 alpha-2 region used to validate phone numbers written without a country code; default <c>US</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minimumScore"/> is outside 0–1.</exception>
    /// <exception cref="ArgumentException"><paramref name="defaultPhoneRegion"/> is not two letters.</exception>
    public PiiAnalyzer(IEnumerable<IPiiRecognizer>? additionalRecognizers = null, IEnumerable<string>? entities = null, double minimumScore = 0.4, string defaultPhoneRegion = "US")
    {
        if (minimumScore is < 0 or > 1 || double.IsNaN(minimumScore))
        {
            throw new ArgumentOutOfRangeException(nameof(minimumScore), "The minimum score is between 0 and 1.");
        }

        ArgumentNullException.ThrowIfNull(defaultPhoneRegion);
        if (defaultPhoneRegion.Length != 2 || !char.IsAsciiLetter(defaultPhoneRegion[0]) || !char.IsAsciiLetter(defaultPhoneRegion[1]))
        {
            throw new ArgumentException("The default phone region is an ISO 3166-1 alpha-2 code such as US.", nameof(defaultPhoneRegion));
        }

        IPiiRecognizer[] builtIn =
        [
            new EmailRecognizer(),
            new UrlRecognizer(),
            new IbanRecognizer(),
            new IpAddressRecognizer(),
            new CryptoRecognizer(),
            new NumericPiiRecognizer(defaultPhoneRegion.ToUpperInvariant()),
        ];
        _recognizers = [.. builtIn, .. additionalRecognizers ?? []];
        _entities = entities is null ? null : new HashSet<string>(entities, StringComparer.Ordinal);
        _minimumScore = minimumScore;
        var supported = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var recognizer in _recognizers)
        {
            foreach (var entity in recognizer.SupportedEntities)
            {
                if (_entities is null || _entities.Contains(entity))
                {
                    supported.Add(entity);
                }
            }
        }

        SupportedEntities = [.. supported];
    }

    /// <summary>Gets an analyzer with the built-in recognisers and default settings.</summary>
    public static PiiAnalyzer Default { get; } = new();

    /// <summary>Gets the entity types this analyzer can report, sorted.</summary>
    public IReadOnlyList<string> SupportedEntities { get; }

    /// <summary>Finds the personal data in a text.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The findings, ordered by start, not overlapping, with offsets into <paramref name="text"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public IReadOnlyList<PiiEntity> Analyze(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return [];
        }

        var map = PiiTextNormalizer.Normalize(text, out var detection);
        var found = new List<PiiEntity>();
        foreach (var recognizer in _recognizers)
        {
            recognizer.Analyze(detection, found);
        }

        if (found.Count == 0)
        {
            return [];
        }

        found.RemoveAll(e => e.Score < _minimumScore || (_entities is not null && !_entities.Contains(e.EntityType)) || e.End > detection.Length);
        found.Sort(static (a, b) =>
        {
            var byScore = b.Score.CompareTo(a.Score);
            return byScore != 0 ? byScore : b.Length.CompareTo(a.Length);
        });
        var kept = new List<PiiEntity>(found.Count);

        // Few findings: compare pairwise. Many (a long document): mark covered positions, so the
        // cost stays linear in the text's length rather than quadratic in the number of findings.
        var covered = found.Count > 32 ? new System.Collections.BitArray(detection.Length) : null;
        foreach (var candidate in found)
        {
            var overlaps = false;
            if (covered is not null)
            {
                for (var i = candidate.Start; i < candidate.End && !overlaps; i++)
                {
                    overlaps = covered[i];
                }

                if (!overlaps)
                {
                    for (var i = candidate.Start; i < candidate.End; i++)
                    {
                        covered[i] = true;
                    }
                }
            }
            else
            {
                foreach (var taken in kept)
                {
                    if (candidate.Start < taken.End && taken.Start < candidate.End)
                    {
                        overlaps = true;
                        break;
                    }
                }
            }

            if (!overlaps)
            {
                kept.Add(candidate);
            }
        }

        kept.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        if (map is not null)
        {
            for (var i = 0; i < kept.Count; i++)
            {
                var e = kept[i];
                kept[i] = new PiiEntity(e.EntityType, map[e.Start], map[e.End - 1] + 1, e.Score);
            }
        }

        return kept;
    }
}
