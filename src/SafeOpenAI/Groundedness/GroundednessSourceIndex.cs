using System.Text;

namespace SafeOpenAI;

/// <summary>
/// What the lexical check looks up in a text (a source, or the question): its words, their light
/// stems and 7-character stem prefixes, its numbers, and its words joined by single spaces for
/// phrase look-ups. Immutable once built; safe to share between threads.
/// </summary>
internal sealed class GroundednessSourceIndex
{
    /// <summary>Stems of at least this many characters also meet by prefix ("America"/"American", "attribute"/"attribution").</summary>
    public const int PrefixCharacters = 7;

    private readonly HashSet<string> _words = new(StringComparer.Ordinal);
    private readonly HashSet<string> _stems = new(StringComparer.Ordinal);
    private readonly HashSet<string> _prefixes = new(StringComparer.Ordinal);
    private readonly HashSet<decimal> _numbers = [];
    private readonly string _phraseText;

    public GroundednessSourceIndex(string id, string text)
    {
        Id = id;
        var tokens = GroundednessText.Tokenize(text);
        var phrase = new StringBuilder(text.Length + 2).Append(' ');
        foreach (var token in tokens)
        {
            _words.Add(token.Lower);
            _stems.Add(token.Stem);
            if (token.Stem.Length >= PrefixCharacters)
            {
                _prefixes.Add(token.Stem[..PrefixCharacters]);
            }

            // Hyphenated words also count by their parts ("Franco-Prussian" supports "Prussian").
            if (token.Lower.Contains('-', StringComparison.Ordinal))
            {
                foreach (var part in token.Lower.Split('-', StringSplitOptions.RemoveEmptyEntries))
                {
                    _words.Add(part);
                    _stems.Add(GroundednessText.Stem(part));
                }
            }

            phrase.Append(token.Lower).Append(' ');
        }

        foreach (var number in GroundednessNumbers.Find(tokens))
        {
            foreach (var value in number.Values)
            {
                _numbers.Add(value);
            }
        }

        _phraseText = phrase.ToString();
    }

    /// <summary>Gets the source id (empty for a question).</summary>
    public string Id { get; }

    /// <summary>Whether a word appears, as itself, by its stem, or by a shared stem prefix.</summary>
    public bool HasWord(in GroundednessToken token) =>
        _words.Contains(token.Lower)
        || _stems.Contains(token.Stem)
        || (token.Stem.Length >= PrefixCharacters && _prefixes.Contains(token.Stem[..PrefixCharacters]));

    /// <summary>Whether a word appears exactly (identifiers such as "30A").</summary>
    public bool HasExactWord(string lower) => _words.Contains(lower);

    /// <summary>Whether any of the values appears as a number.</summary>
    public bool HasNumber(IReadOnlyList<decimal> values)
    {
        foreach (var value in values)
        {
            if (_numbers.Contains(value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the words appear in this order, next to each other (case and punctuation ignored).</summary>
    public bool HasPhrase(string spacedLowerWords) => _phraseText.Contains(spacedLowerWords, StringComparison.Ordinal);
}
