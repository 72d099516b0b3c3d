using System.Globalization;

namespace SafeOpenAI;

/// <summary>One word of a text, as the groundedness check reads it.</summary>
/// <param name="Start">Offset of the word in the text, in characters.</param>
/// <param name="Length">Length of the word, in characters.</param>
/// <param name="Lower">The word in lower case, with a possessive <c>'s</c> removed.</param>
/// <param name="Stem">The light stem of <paramref name="Lower"/> (see <see cref="GroundednessText.Stem"/>).</param>
/// <param name="Capitalized">Whether the word starts with an upper-case letter.</param>
/// <param name="SentenceInitial">Whether the word opens its sentence or line.</param>
internal readonly record struct GroundednessToken(int Start, int Length, string Lower, string Stem, bool Capitalized, bool SentenceInitial)
{
    public bool IsNumeric => Lower.Length > 0 && char.IsAsciiDigit(Lower[0]);
}

/// <summary>
/// Tokenising, stop words and light stemming for the lexical groundedness check. English only:
/// the stop-word list is the common function-word core of the SMART and NLTK lists, and the
/// stemmer is the "S" stemmer of Harman (1991, "How effective is suffixing?") extended with the
/// <c>-ing</c>/<c>-ed</c>/<c>-ly</c> rules of Porter's step 1 (Porter 1980).
/// </summary>
internal static class GroundednessText
{
    private static readonly HashSet<string> s_stopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "but", "nor", "so", "yet", "if", "then", "than", "because", "as", "while",
        "of", "in", "on", "at", "to", "for", "from", "by", "with", "without", "about", "into", "onto", "over", "under",
        "through", "during", "before", "after", "above", "below", "between", "among", "against", "within", "upon",
        "up", "down", "out", "off", "again", "further", "once", "here", "there", "when", "where", "why", "how",
        "what", "which", "who", "whom", "whose", "this", "that", "these", "those", "it", "its", "itself",
        "i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "you", "your", "yours", "he", "him", "his",
        "she", "her", "hers", "they", "them", "their", "theirs", "one", "ones",
        "is", "am", "are", "was", "were", "be", "been", "being", "have", "has", "had", "having", "do", "does", "did",
        "doing", "done", "will", "would", "shall", "should", "can", "could", "may", "might", "must", "ought",
        "not", "no", "yes", "all", "any", "both", "each", "every", "few", "more", "most", "other", "some", "such",
        "only", "own", "same", "too", "very", "just", "also", "even", "still", "already", "well", "really", "quite",
        "much", "many", "lot", "lots", "thing", "things", "something", "anything", "everything", "nothing",
        "someone", "anyone", "everyone", "there's", "it's", "i'm", "i've", "i'd", "i'll", "don't", "doesn't",
        "didn't", "isn't", "aren't", "wasn't", "weren't", "can't", "couldn't", "won't", "wouldn't", "that's",
        "you're", "they're", "we're", "let's", "get", "got", "like", "know", "think", "oh", "yeah", "ok", "okay",
        "actually", "indeed", "however", "therefore", "thus", "although", "though", "whether", "either", "neither",
        "via", "per", "percent", "etc", "e.g", "i.e", "called", "named", "known", "answer", "correct",
    };

    /// <summary>
    /// Words of acknowledgement and greeting ("I agree", "that's true", "sure", "thanks"). A sentence
    /// made only of these and stop words states nothing a source could support, so it has nothing
    /// to check. Opinions ("great", "I love it") are not in the list: a source does not support them.
    /// </summary>
    private static readonly HashSet<string> s_discourseWords = new(StringComparer.Ordinal)
    {
        "agree", "agreed", "true", "sure", "absolutely", "definitely", "certainly", "exactly", "right", "thanks",
        "thank", "wow", "lol", "haha", "hmm", "hey", "hi", "hello", "indeed", "course",
    };

    /// <summary>Honorifics and titles a source may leave out of a name ("President Lincoln" → "Lincoln").</summary>
    private static readonly HashSet<string> s_titles = new(StringComparer.Ordinal)
    {
        "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "lord", "lady", "king", "queen",
        "prince", "princess", "president", "senator", "governor", "general", "captain", "saint", "st", "pope",
        "mount", "mt", "lake", "river", "the",
    };

    /// <summary>Lower-case words that may sit inside a capitalised name ("Bank of England", "Ludwig van Beethoven").</summary>
    private static readonly HashSet<string> s_nameConnectors = new(StringComparer.Ordinal)
    {
        "of", "the", "for", "and", "de", "del", "della", "der", "den", "van", "von", "da", "du", "la", "le", "y", "bin", "al",
    };

    public static bool IsStopWord(string lower) => s_stopWords.Contains(lower) || s_discourseWords.Contains(lower);

    public static bool IsTitle(string lower) => s_titles.Contains(lower);

    public static bool IsNameConnector(string lower) => s_nameConnectors.Contains(lower);

    /// <summary>Splits text into words: runs of letters and digits, keeping inner apostrophes, hyphens between letters, and decimal points and thousands separators between digits.</summary>
    public static List<GroundednessToken> Tokenize(string text)
    {
        var tokens = new List<GroundednessToken>();
        Span<char> scratch = stackalloc char[128];
        var sentenceStart = true;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (!char.IsLetterOrDigit(c))
            {
                if (c is '.' or '!' or '?' or '\n' or ':' or ';' or '•')
                {
                    // Sentence ends, line starts and list markers: the next word opens a span. Not a decimal point.
                    var decimalPoint = c == '.' && i > 0 && i + 1 < text.Length && char.IsAsciiDigit(text[i - 1]) && char.IsAsciiDigit(text[i + 1]);
                    sentenceStart |= !decimalPoint;
                }

                i++;
                continue;
            }

            var start = i;
            i++;
            while (i < text.Length)
            {
                var d = text[i];
                if (char.IsLetterOrDigit(d))
                {
                    i++;
                }
                else if ((d is '\'' or '’') && i + 1 < text.Length && char.IsLetter(text[i + 1]) && char.IsLetter(text[i - 1]))
                {
                    i++;
                }
                else if ((d is '.' or ',') && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]) && char.IsAsciiDigit(text[i - 1]))
                {
                    // 3.14, 1,000: a comma only when three digits follow (so "1,2" stays two numbers).
                    if (d == ',' && !ThreeDigitsFollow(text, i + 1))
                    {
                        break;
                    }

                    i++;
                }
                else
                {
                    break;
                }
            }

            var raw = text.AsSpan(start, i - start);
            var buffer = raw.Length <= scratch.Length ? scratch[..raw.Length] : new char[raw.Length];
            raw.ToLowerInvariant(buffer);
            buffer.Replace('’', '\'');
            var length = buffer.Length;
            if (length > 2 && buffer[length - 2] == '\'' && buffer[length - 1] == 's')
            {
                length -= 2;
            }

            var lower = new string(buffer[..length]);

            tokens.Add(new GroundednessToken(start, i - start, lower, Stem(lower), char.IsUpper(raw[0]), sentenceStart));
            sentenceStart = false;
        }

        return tokens;
    }

    /// <summary>
    /// The light stem of a lower-case word: plural and verb endings removed (<c>studies</c> →
    /// <c>study</c>, <c>jumping</c>/<c>jumped</c>/<c>jumps</c> → <c>jump</c>, <c>quickly</c> →
    /// <c>quick</c>). Words of four letters or fewer and numbers are left as they are.
    /// </summary>
    public static string Stem(string word)
    {
        if (word.Length <= 3 || char.IsAsciiDigit(word[0]))
        {
            return word;
        }

        var w = word;
        if (w.EndsWith("ies", StringComparison.Ordinal) && w.Length > 4)
        {
            w = w[..^3] + "y";
        }
        else if (w.EndsWith("sses", StringComparison.Ordinal) || w.EndsWith("xes", StringComparison.Ordinal) || w.EndsWith("ches", StringComparison.Ordinal) || w.EndsWith("shes", StringComparison.Ordinal))
        {
            w = w[..^2];
        }
        else if (w.EndsWith('s') && !w.EndsWith("ss", StringComparison.Ordinal) && !w.EndsWith("us", StringComparison.Ordinal) && !w.EndsWith("is", StringComparison.Ordinal))
        {
            w = w[..^1];
        }

        if (w.Length > 5 && w.EndsWith("ing", StringComparison.Ordinal))
        {
            w = UndoDouble(w[..^3]);
        }
        else if (w.Length > 4 && w.EndsWith("ied", StringComparison.Ordinal))
        {
            w = w[..^3] + "y";
        }
        else if (w.Length > 4 && w.EndsWith("ed", StringComparison.Ordinal) && !w.EndsWith("eed", StringComparison.Ordinal))
        {
            w = UndoDouble(w[..^2]);
        }
        else if (w.Length > 5 && w.EndsWith("ly", StringComparison.Ordinal))
        {
            w = w[..^2];
        }

        // "made"/"make", "hope"/"hoping": a final silent e is dropped so both forms meet.
        if (w.Length > 3 && w.EndsWith('e'))
        {
            w = w[..^1];
        }

        return w;
    }

    /// <summary>Gets the number of a word the number reader knows ("two" → 2, "twelve" → 12, "fourth" → 4), or <see langword="null"/>.</summary>
    public static int? SmallNumberWord(string lower) => lower switch
    {
        "two" => 2, "three" => 3, "four" => 4, "five" => 5, "six" => 6, "seven" => 7, "eight" => 8, "nine" => 9,
        "ten" => 10, "eleven" => 11, "twelve" => 12, "thirteen" => 13, "fourteen" => 14, "fifteen" => 15,
        "sixteen" => 16, "seventeen" => 17, "eighteen" => 18, "nineteen" => 19, "twenty" => 20, "thirty" => 30,
        "forty" => 40, "fifty" => 50, "sixty" => 60, "seventy" => 70, "eighty" => 80, "ninety" => 90,

        // Ordinals from "third" ("first" and "second" are too often not numbers: "at first", "a second look").
        "third" => 3, "fourth" => 4, "fifth" => 5, "sixth" => 6, "seventh" => 7, "eighth" => 8, "ninth" => 9,
        "tenth" => 10, "eleventh" => 11, "twelfth" => 12, "thirteenth" => 13, "fourteenth" => 14, "fifteenth" => 15,
        "sixteenth" => 16, "seventeenth" => 17, "eighteenth" => 18, "nineteenth" => 19, "twentieth" => 20,
        _ => null,
    };

    /// <summary>Gets the multiplier of a scale word or unit suffix ("thousand", "million", "k", "bn"), or <see langword="null"/>.</summary>
    public static decimal? Scale(string lower) => lower switch
    {
        "hundred" => 100m,
        "thousand" or "k" => 1_000m,
        "million" or "m" or "mn" or "mio" => 1_000_000m,
        "billion" or "bn" or "b" => 1_000_000_000m,
        "trillion" or "tn" => 1_000_000_000_000m,
        _ => null,
    };

    /// <summary>Parses a numeric word ("1,000", "3.5", "1990s", "21st", "30a" → 30 with a suffix kept apart) to its value.</summary>
    public static decimal? ParseNumeric(string lower, out string suffix)
    {
        var end = 0;
        while (end < lower.Length && (char.IsAsciiDigit(lower[end]) || lower[end] is '.' or ','))
        {
            end++;
        }

        suffix = lower[end..];
        if (suffix is "st" or "nd" or "rd" or "th" or "s")
        {
            // 21st, 1990s: the number itself.
            suffix = string.Empty;
        }

        return decimal.TryParse(lower.AsSpan(0, end).ToString().Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
    }

    private static bool ThreeDigitsFollow(string text, int index)
    {
        for (var k = 0; k < 3; k++)
        {
            if (index + k >= text.Length || !char.IsAsciiDigit(text[index + k]))
            {
                return false;
            }
        }

        return index + 3 >= text.Length || !char.IsAsciiDigit(text[index + 3]);
    }

    private static string UndoDouble(string w)
    {
        if (w.Length > 2 && w[^1] == w[^2] && w[^1] is not 'l' and not 's' and not 'z' && !IsVowel(w[^1]))
        {
            return w[..^1];
        }

        return w;
    }

    private static bool IsVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u';
}
