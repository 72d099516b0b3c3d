namespace SafeOpenAI;

/// <summary>A number found in a text: the words it spans and the values it may stand for.</summary>
/// <param name="FirstToken">Index of its first word.</param>
/// <param name="LastToken">Index of its last word.</param>
/// <param name="Values">The values it may mean (<c>5m</c> is 5 metres or 5 million).</param>
internal sealed record GroundednessNumber(int FirstToken, int LastToken, IReadOnlyList<decimal> Values);

/// <summary>
/// Reads numbers so that <c>1,000</c>, <c>1000</c>, <c>1 thousand</c> and <c>one thousand</c>
/// meet: digits with thousands separators and decimals, ordinals and decades (<c>21st</c>,
/// <c>1990s</c> → 21, 1990), number words from two to ninety-nine with <c>hundred</c>, scale words
/// and suffixes (<c>thousand</c>/<c>k</c>, <c>million</c>/<c>m</c>/<c>mn</c>, <c>billion</c>/<c>bn</c>),
/// and a unit written against the digits (<c>5km</c> = <c>5 km</c>). A lone "one" is not read as a
/// number (it is mostly a pronoun).
/// </summary>
internal static class GroundednessNumbers
{
    private static readonly HashSet<string> s_units = new(StringComparer.Ordinal)
    {
        "km", "kg", "g", "mg", "cm", "mm", "mi", "ft", "lb", "lbs", "oz", "l", "ml", "h", "hr", "hrs", "min", "sec",
        "mph", "kmh", "kph", "gb", "mb", "kb", "tb", "ghz", "mhz", "hz", "w", "kw", "mw", "gw", "kwh", "v", "c", "f",
        "bc", "ad", "bce", "ce", "am", "pm", "x", "yr", "yrs", "ha", "sq", "usd", "eur", "gbp", "px", "pt", "ms",
    };

    /// <summary>Whether a word mixes digits with letters that are not a unit, ordinal or scale ("30A", "B52", "x86"): an identifier.</summary>
    public static bool IsCode(string lower)
    {
        var hasDigit = false;
        var hasLetter = false;
        foreach (var c in lower)
        {
            hasDigit |= char.IsAsciiDigit(c);
            hasLetter |= char.IsLetter(c);
        }

        if (!hasDigit || !hasLetter)
        {
            return false;
        }

        if (char.IsAsciiDigit(lower[0]))
        {
            GroundednessText.ParseNumeric(lower, out var suffix);
            return suffix.Length > 0 && !s_units.Contains(suffix) && GroundednessText.Scale(suffix) is null;
        }

        return true;
    }

    /// <summary>Finds the numbers in a tokenised text.</summary>
    public static List<GroundednessNumber> Find(List<GroundednessToken> tokens)
    {
        var numbers = new List<GroundednessNumber>();
        var i = 0;
        while (i < tokens.Count)
        {
            var token = tokens[i];
            if (token.IsNumeric && !IsCode(token.Lower))
            {
                var value = GroundednessText.ParseNumeric(token.Lower, out var suffix);
                if (value is null)
                {
                    i++;
                    continue;
                }

                var values = new List<decimal> { value.Value };
                if (GroundednessText.Scale(suffix) is decimal attached)
                {
                    values.Add(value.Value * attached);
                }

                var last = i;
                if (i + 1 < tokens.Count && GroundednessText.Scale(tokens[i + 1].Lower) is decimal scale && tokens[i + 1].Lower.Length > 1)
                {
                    values = [value.Value * scale];
                    last = i + 1;
                }

                numbers.Add(new GroundednessNumber(i, last, values));
                i = last + 1;
                continue;
            }

            if (ReadWords(tokens, i, out var wordValue, out var wordLast))
            {
                numbers.Add(new GroundednessNumber(i, wordLast, [wordValue]));
                i = wordLast + 1;
                continue;
            }

            i++;
        }

        return numbers;
    }

    private static bool ReadWords(List<GroundednessToken> tokens, int start, out decimal value, out int last)
    {
        value = 0;
        last = start;
        var first = tokens[start].Lower;
        decimal current;
        var i = start;
        if (Compound(first) is int small)
        {
            current = small;
        }
        else if (first is "one" or "a" && start + 1 < tokens.Count && tokens[start + 1].Lower is "hundred" or "thousand" or "million" or "billion" or "dozen")
        {
            current = 1;
        }
        else if (first is "hundred" or "thousand" or "million" or "billion" or "dozen")
        {
            current = 1;
            i = start - 1;
        }
        else
        {
            return false;
        }

        // [n] hundred [m] thousand|million|billion
        if (i + 1 < tokens.Count && tokens[i + 1].Lower is "hundred")
        {
            current *= 100;
            i++;
            if (i + 1 < tokens.Count && tokens[i + 1].Lower != "one" && Compound(tokens[i + 1].Lower) is int rest)
            {
                current += rest;
                i++;
            }
        }

        if (i + 1 < tokens.Count && tokens[i + 1].Lower == "dozen")
        {
            current *= 12;
            i++;
        }
        else if (i + 1 < tokens.Count && GroundednessText.Scale(tokens[i + 1].Lower) is decimal scale && tokens[i + 1].Lower.Length > 1)
        {
            current *= scale;
            i++;
        }

        value = current;
        last = Math.Max(i, start);
        return true;
    }

    private static int? Compound(string lower)
    {
        if (GroundednessText.SmallNumberWord(lower) is int n)
        {
            return n;
        }

        var dash = lower.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0 && GroundednessText.SmallNumberWord(lower[..dash]) is int tens && tens >= 20 && tens % 10 == 0
            && (lower[(dash + 1)..] == "one" ? 1 : GroundednessText.SmallNumberWord(lower[(dash + 1)..])) is int units && units < 10)
        {
            return tens + units;
        }

        return null;
    }
}
