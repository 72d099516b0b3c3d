namespace SafeOpenAI;

/// <summary>
/// Splits an answer into claims: sentences and list items. A sentence ends at <c>.</c>, <c>!</c>
/// or <c>?</c> (with closing quotes and brackets) followed by white space, or at a line break; a
/// full stop does not end a sentence after a known abbreviation (<c>Dr.</c>, <c>e.g.</c>,
/// <c>U.S.</c>), a single-letter initial (<c>J. R. R. Tolkien</c>) or inside a number
/// (<c>3.14</c>); list markers (<c>-</c>, <c>*</c>, <c>•</c>, <c>1.</c>, <c>a)</c>) start a new claim
/// and are not part of it. Spans with no letter or digit are dropped.
/// </summary>
internal static class ClaimSplitter
{
    private static readonly HashSet<string> s_abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "vs", "etc", "e.g", "i.e", "cf", "al", "inc",
        "ltd", "co", "corp", "no", "nos", "vol", "fig", "approx", "est", "dept", "gen", "gov", "sen", "rep", "rev",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n",
        "a.m", "p.m", "ph.d", "b.c", "a.d", "d.c",
    };

    /// <summary>Splits the text into claim spans (offset and length in characters).</summary>
    public static List<(int Start, int Length)> Split(string text)
    {
        var claims = new List<(int Start, int Length)>();
        var start = SkipListMarker(text, 0);
        var i = start;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n')
            {
                Add(claims, text, start, i);
                start = SkipListMarker(text, i + 1);
                i = start;
                continue;
            }

            if (c is '.' or '!' or '?' or '…')
            {
                var end = i + 1;
                while (end < text.Length && text[end] is '.' or '!' or '?' or '"' or '\'' or '”' or '’' or ')' or ']')
                {
                    end++;
                }

                var atBoundary = end >= text.Length || char.IsWhiteSpace(text[end]);
                if (atBoundary && (c != '.' || !IsAbbreviation(text, i)))
                {
                    Add(claims, text, start, end);
                    start = end;
                    while (start < text.Length && text[start] is ' ' or '\t' or '\r')
                    {
                        start++;
                    }

                    if (start < text.Length && text[start] != '\n')
                    {
                        start = SkipListMarker(text, start);
                    }

                    i = start;
                    continue;
                }

                i = end;
                continue;
            }

            i++;
        }

        Add(claims, text, start, text.Length);
        return claims;
    }

    private static bool IsAbbreviation(string text, int dot)
    {
        var wordStart = dot;
        while (wordStart > 0 && (char.IsLetter(text[wordStart - 1]) || (text[wordStart - 1] == '.' && wordStart > 1 && char.IsLetter(text[wordStart - 2]))))
        {
            wordStart--;
        }

        var word = text.AsSpan(wordStart, dot - wordStart);
        if (word.Length == 0)
        {
            return false;
        }

        // A single upper-case letter is an initial ("J. Smith"); a single lower-case one is not a sentence either.
        if (word.Length == 1 && char.IsLetter(word[0]))
        {
            return char.IsUpper(word[0]) || !NextStartsSentence(text, dot + 1);
        }

        var lower = word.ToString().ToLowerInvariant();
        if (lower is "no" or "nos" or "vol" or "fig")
        {
            // "No. 5", "Fig. 2": only before a number.
            return NextIsDigit(text, dot + 1);
        }

        return s_abbreviations.Contains(lower) && !(lower == "etc" && NextStartsSentence(text, dot + 1));
    }

    private static bool NextIsDigit(string text, int from)
    {
        var j = from;
        while (j < text.Length && char.IsWhiteSpace(text[j]))
        {
            j++;
        }

        return j < text.Length && char.IsAsciiDigit(text[j]);
    }

    private static bool NextStartsSentence(string text, int from)
    {
        var j = from;
        while (j < text.Length && char.IsWhiteSpace(text[j]))
        {
            j++;
        }

        return j >= text.Length || char.IsUpper(text[j]);
    }

    private static int SkipListMarker(string text, int from)
    {
        var j = from;
        while (j < text.Length && text[j] is ' ' or '\t' or '\r')
        {
            j++;
        }

        if (j < text.Length && text[j] is '-' or '*' or '•' or '–' or '·' && j + 1 < text.Length && text[j + 1] == ' ')
        {
            return j + 2;
        }

        // "1. ", "12) ", "a) "
        var k = j;
        while (k < text.Length && char.IsAsciiDigit(text[k]) && k - j < 3)
        {
            k++;
        }

        if (k == j && k < text.Length && char.IsAsciiLetterLower(text[k]) && k + 1 < text.Length && text[k + 1] == ')')
        {
            k++;
        }

        if (k > j && k + 1 < text.Length && text[k] is '.' or ')' && text[k + 1] == ' ')
        {
            return k + 2;
        }

        return j;
    }

    private static void Add(List<(int Start, int Length)> claims, string text, int start, int end)
    {
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        for (var k = start; k < end; k++)
        {
            if (char.IsLetterOrDigit(text[k]))
            {
                claims.Add((start, end - start));
                return;
            }
        }
    }
}
