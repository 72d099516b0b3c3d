namespace SafeOpenAI;

/// <summary>
/// A run of digit groups joined by single separators (space, '-', '.', '/', parentheses), found
/// by a left-to-right scan that never revisits a character: the shared candidate generator of the
/// phone, card and SSN recognisers. Chains longer than <see cref="MaxDigits"/> digits are skipped whole.
/// </summary>
internal readonly struct NumberChain
{
    public const int MaxDigits = 19;
    private const int MaxGroups = 8;

    public NumberChain(int start, int end, int digitsEnd, int digitCount, ulong groupLengths, int groupCount, bool hasPlus, char separator, bool mixedSeparators, bool hasParenthesis)
    {
        Start = start;
        End = end;
        DigitsEnd = digitsEnd;
        DigitCount = digitCount;
        GroupLengths = groupLengths;
        GroupCount = groupCount;
        HasPlus = hasPlus;
        Separator = separator;
        MixedSeparators = mixedSeparators;
        HasParenthesis = hasParenthesis;
    }

    public int Start { get; }

    public int End { get; }

    /// <summary>Gets the end of the number proper, before any extension (x123).</summary>
    public int DigitsEnd { get; }

    public int DigitCount { get; }

    /// <summary>Gets the digit count of each group, 8 bits per group, first group lowest.</summary>
    public ulong GroupLengths { get; }

    public int GroupCount { get; }

    public bool HasPlus { get; }

    /// <summary>Gets the first separator between groups, or '\0' for a single group.</summary>
    public char Separator { get; }

    public bool MixedSeparators { get; }

    public bool HasParenthesis { get; }

    public int GroupLength(int index) => (int)((GroupLengths >> (8 * index)) & 0xFF);

    /// <summary>Writes the digits of the chain into <paramref name="digits"/>; returns the count.</summary>
    public int CopyDigits(string text, Span<char> digits)
    {
        var n = 0;
        for (var i = Start; i < DigitsEnd && n < digits.Length; i++)
        {
            if (char.IsAsciiDigit(text[i]))
            {
                digits[n++] = text[i];
            }
        }

        return n;
    }

    /// <summary>Enumerates the chains of a text in order.</summary>
    public static List<NumberChain> FindAll(string text)
    {
        var chains = new List<NumberChain>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var startsHere = char.IsAsciiDigit(c)
                || (c == '+' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))
                || (c == '(' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]));
            if (!startsHere || (i > 0 && (char.IsLetterOrDigit(text[i - 1]) || text[i - 1] is '_' or '+' or '.' || (text[i - 1] == '-' && i > 1 && char.IsLetterOrDigit(text[i - 2])))))
            {
                // Skip the rest of a word or digit run: a chain never starts inside one.
                var inWord = char.IsLetterOrDigit(c) || c == '_' || (startsHere && char.IsAsciiDigit(c));
                i++;
                while (inWord && i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                continue;
            }

            i = Scan(text, i, chains);
        }

        return chains;
    }

    private static int Scan(string text, int start, List<NumberChain> chains)
    {
        var i = start;
        var hasPlus = false;
        var hasParenthesis = false;
        if (text[i] == '+')
        {
            hasPlus = true;
            i++;
        }

        var digits = 0;
        ulong groups = 0;
        var groupCount = 0;
        var groupLength = 0;
        var separator = '\0';
        var mixed = false;
        var lastDigitEnd = i;
        var openParen = false;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                digits++;
                groupLength++;
                i++;
                lastDigitEnd = i;
                continue;
            }

            if (groupLength > 0)
            {
                if (groupCount < MaxGroups)
                {
                    groups |= (ulong)Math.Min(groupLength, 255) << (8 * groupCount);
                }

                groupCount++;
                groupLength = 0;
            }

            // A separator is one of ' ', '-', '.', '/', or a parenthesis (with an optional space after ')'), followed by a digit or '('.
            var j = i;
            char sep;
            if (c == '(' && !openParen)
            {
                openParen = true;
                hasParenthesis = true;
                sep = '(';
                j++;
            }
            else if (c == ')' && openParen)
            {
                openParen = false;
                sep = ')';
                j++;
                if (j < text.Length && text[j] is ' ' or '-' or '.')
                {
                    j++;
                }
            }
            else if (c is ' ' or '-' or '.' or '/')
            {
                sep = c;
                j++;
                if (j < text.Length && text[j] == '(' && !openParen)
                {
                    openParen = true;
                    hasParenthesis = true;
                    j++;
                }
            }
            else
            {
                break;
            }

            if (j >= text.Length || !char.IsAsciiDigit(text[j]))
            {
                break;
            }

            if (sep is not '(' and not ')')
            {
                if (separator == '\0')
                {
                    separator = sep;
                }
                else if (separator != sep)
                {
                    mixed = true;
                }
            }

            i = j;
            if (digits > MaxDigits)
            {
                break;
            }
        }

        if (groupLength > 0)
        {
            if (groupCount < MaxGroups)
            {
                groups |= (ulong)Math.Min(groupLength, 255) << (8 * groupCount);
            }

            groupCount++;
        }

        // Swallow the rest of an over-long run so it is not rescanned from its middle.
        var end = lastDigitEnd;
        var scanEnd = end;
        while (scanEnd < text.Length && char.IsAsciiDigit(text[scanEnd]))
        {
            scanEnd++;
        }

        // A phone extension: x123, ext 123, ext. 123.
        if (end < text.Length && digits >= 7)
        {
            var k = end;
            if (text[k] == ' ')
            {
                k++;
            }

            var markerEnd = k < text.Length && text[k] is 'x' or 'X' ? k + 1
                : k + 3 <= text.Length && text.AsSpan(k, 3).Equals("ext", StringComparison.OrdinalIgnoreCase) ? k + 3 : -1;
            if (markerEnd > 0)
            {
                var d = markerEnd;
                if (d < text.Length && text[d] == '.')
                {
                    d++;
                }

                if (d < text.Length && text[d] == ' ')
                {
                    d++;
                }

                var digitStart = d;
                while (d < text.Length && d - digitStart < 6 && char.IsAsciiDigit(text[d]))
                {
                    d++;
                }

                if (d > digitStart && (d >= text.Length || !char.IsLetterOrDigit(text[d])))
                {
                    end = d;
                    scanEnd = d;
                }
            }
        }

        var followedByWord = end < text.Length && (char.IsLetter(text[end]) || text[end] == '_');
        if (digits <= MaxDigits && scanEnd == end && !followedByWord && !(text[start] == '(' && !hasPlus && groupCount == 1))
        {
            chains.Add(new NumberChain(start, end, lastDigitEnd, digits, groups, groupCount, hasPlus, separator, mixed, hasParenthesis));
        }

        return Math.Max(scanEnd, start + 1);
    }
}
