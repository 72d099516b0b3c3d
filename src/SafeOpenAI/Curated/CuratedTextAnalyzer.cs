namespace SafeOpenAI;

/// <summary>
/// Turns text into BM25 terms for <see cref="CuratedKnowledgeBase"/>: <see cref="TextNormalizer.Normalize"/>
/// (NFKC, invisible characters removed, look-alike letters folded), then runs of letters and
/// digits, lower-cased (invariant), English stop words dropped, single letters dropped, and a light
/// English stemmer. Query and articles go through the same steps, so only consistency matters.
/// Stateless and thread-safe.
/// </summary>
/// <remarks>
/// The stemmer is Harman's S-stemmer (Harman 1991, "How effective is suffixing?", JASIS 42(1))
/// extended with Porter's (1980) step 1b for <c>-ed</c> and <c>-ing</c> (when a vowel remains)
/// and two folds that make inflections meet: a final doubled consonant other than <c>s</c> is
/// undoubled (<c>billing</c>, <c>bill</c> → <c>bil</c>; <c>cancelled</c>, <c>cancel</c> →
/// <c>cancel</c>) and a final <c>e</c> is dropped from terms longer than three letters
/// (<c>charge</c>, <c>charged</c>, <c>charges</c> → <c>charg</c>). Terms are index keys, not words.
/// </remarks>
internal static class CuratedTextAnalyzer
{
    private const int MaxTermLength = 40;

    // English function words and the conversational filler of help-centre questions
    // ("hi, how do I ...", "please can you ..."): NLTK's English list, abridged, plus greetings.
    private static readonly HashSet<string> s_stopWords = new(StringComparer.Ordinal)
    {
        "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at",
        "be", "because", "been", "before", "being", "below", "between", "both", "but", "by",
        "can", "could", "did", "do", "does", "doing", "don", "down", "during",
        "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "hello", "her", "here", "hers",
        "herself", "hey", "hi", "him", "himself", "his", "how",
        "i", "if", "in", "into", "is", "it", "its", "itself", "just", "let", "me", "might", "more", "most", "must", "my", "myself",
        "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own",
        "please", "same", "shall", "she", "should", "so", "some", "such",
        "than", "thank", "thanks", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they",
        "this", "those", "through", "to", "too", "under", "until", "up", "very",
        "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would",
        "you", "your", "yours", "yourself", "yourselves",
    };

    /// <summary>Returns the terms of a text, in order, with repeats.</summary>
    public static List<string> Terms(string text)
    {
        var terms = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return terms;
        }

        var normalized = TextNormalizer.Normalize(text);
        Span<char> word = stackalloc char[MaxTermLength];
        var length = 0;
        var overflow = false;
        for (var i = 0; i <= normalized.Length; i++)
        {
            var c = i < normalized.Length ? normalized[i] : ' ';
            if (char.IsLetterOrDigit(c))
            {
                if (length < MaxTermLength)
                {
                    word[length++] = char.ToLowerInvariant(c);
                }
                else
                {
                    overflow = true;
                }

                continue;
            }

            if (length > 0 && !overflow)
            {
                AddTerm(terms, word[..length]);
            }

            length = 0;
            overflow = false;
        }

        return terms;
    }

    /// <summary>The light stem of a lower-cased word (see the remarks of <see cref="CuratedTextAnalyzer"/>).</summary>
    public static string Stem(string word)
    {
        var w = word;
        if (w.Length <= 3 || !char.IsLetter(w[^1]))
        {
            return w;
        }

        // Harman's S-stemmer.
        if (w.EndsWith("ies", StringComparison.Ordinal) && !w.EndsWith("eies", StringComparison.Ordinal) && !w.EndsWith("aies", StringComparison.Ordinal))
        {
            w = w[..^3] + "y";
        }
        else if (w.EndsWith("es", StringComparison.Ordinal) && !w.EndsWith("aes", StringComparison.Ordinal) && !w.EndsWith("ees", StringComparison.Ordinal) && !w.EndsWith("oes", StringComparison.Ordinal))
        {
            w = w[..^1];
        }
        else if (w.EndsWith('s') && !w.EndsWith("us", StringComparison.Ordinal) && !w.EndsWith("ss", StringComparison.Ordinal))
        {
            w = w[..^1];
        }

        // Porter step 1b: -ed and -ing, when the rest still holds a vowel.
        if (w.EndsWith("ing", StringComparison.Ordinal) && w.Length >= 6 && HasVowel(w.AsSpan(0, w.Length - 3)))
        {
            w = w[..^3];
        }
        else if (w.EndsWith("ed", StringComparison.Ordinal) && w.Length >= 5 && HasVowel(w.AsSpan(0, w.Length - 2)))
        {
            w = w[..^2];
        }

        if (w.Length >= 4 && w[^1] == w[^2] && w[^1] != 's' && IsConsonant(w[^1]))
        {
            w = w[..^1];
        }

        if (w.Length > 3 && w[^1] == 'e')
        {
            w = w[..^1];
        }

        return w;
    }

    private static void AddTerm(List<string> terms, ReadOnlySpan<char> word)
    {
        if (word.Length == 1 && !char.IsDigit(word[0]))
        {
            return;
        }

        var text = word.ToString();
        if (s_stopWords.Contains(text))
        {
            return;
        }

        terms.Add(Stem(text));
    }

    private static bool HasVowel(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is 'a' or 'e' or 'i' or 'o' or 'u' or 'y')
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsConsonant(char c) => c is >= 'a' and <= 'z' && c is not ('a' or 'e' or 'i' or 'o' or 'u');
}
