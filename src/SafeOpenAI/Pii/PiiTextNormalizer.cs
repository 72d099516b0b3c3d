using System.Globalization;

namespace SafeOpenAI;

/// <summary>
/// Builds the detection copy of a text: invisible format characters removed, full-width forms and
/// non-ASCII decimal digits folded to ASCII, Unicode dashes to '-'; and the map from each position
/// of the copy back to the original. Most texts need none of it, and then no copy is made.
/// </summary>
internal static class PiiTextNormalizer
{
    /// <summary>Returns the map from detection offsets to original offsets, or null when the text is used as is.</summary>
    public static int[]? Normalize(string text, out string detection)
    {
        var needed = false;
        foreach (var c in text)
        {
            if (c > 127 && (IsRemoved(c) || Fold(c) != c))
            {
                needed = true;
                break;
            }
        }

        if (!needed)
        {
            detection = text;
            return null;
        }

        var chars = new char[text.Length];
        var map = new int[text.Length + 1];
        var n = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c > 127 && IsRemoved(c))
            {
                continue;
            }

            chars[n] = c > 127 ? Fold(c) : c;
            map[n] = i;
            n++;
        }

        map[n] = text.Length;
        detection = new string(chars, 0, n);
        return map;
    }

    private static bool IsRemoved(char c) =>
        c is '\u00AD' or (>= '\u200B' and <= '\u200F') or (>= '\u202A' and <= '\u202E') or (>= '\u2060' and <= '\u2064') or '\uFEFF' or '\u180E';

    private static char Fold(char c)
    {
        if (c is >= '\uFF01' and <= '\uFF5E')
        {
            return (char)(c - 0xFEE0);
        }

        if (c is '\u3000' or '\u00A0' or '\u2007' or '\u202F')
        {
            return ' ';
        }

        if (c is (>= '\u2010' and <= '\u2015') or '\u2212')
        {
            return '-';
        }

        if (char.IsDigit(c))
        {
            var value = CharUnicodeInfo.GetDecimalDigitValue(c);
            return value >= 0 ? (char)('0' + value) : c;
        }

        return c;
    }
}
