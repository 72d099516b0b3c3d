using System.Collections.Frozen;

namespace SafeOpenAI;

/// <summary>
/// International Bank Account Numbers (ISO 13616-1): a two-letter country code, two check digits
/// and the country's BBAN, written contiguously or in groups separated by single spaces or
/// hyphens, in either case. The length must be the country's (the SWIFT IBAN registry, release
/// 2024) and the mod-97 check of ISO 7064 must give 1. Score 1.0 (Presidio's IbanRecognizer
/// validates the same way).
/// </summary>
internal sealed class IbanRecognizer : IPiiRecognizer
{
    private static readonly FrozenDictionary<string, int> s_lengths = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["AD"] = 24, ["AE"] = 23, ["AL"] = 28, ["AT"] = 20, ["AZ"] = 28, ["BA"] = 20, ["BE"] = 16, ["BG"] = 22,
        ["BH"] = 22, ["BI"] = 27, ["BR"] = 29, ["BY"] = 28, ["CH"] = 21, ["CR"] = 22, ["CY"] = 28, ["CZ"] = 24,
        ["DE"] = 22, ["DJ"] = 27, ["DK"] = 18, ["DO"] = 28, ["EE"] = 20, ["EG"] = 29, ["ES"] = 24, ["FI"] = 18,
        ["FK"] = 18, ["FO"] = 18, ["FR"] = 27, ["GB"] = 22, ["GE"] = 22, ["GI"] = 23, ["GL"] = 18, ["GR"] = 27,
        ["GT"] = 28, ["HN"] = 28, ["HR"] = 21, ["HU"] = 28, ["IE"] = 22, ["IL"] = 23, ["IQ"] = 23, ["IS"] = 26,
        ["IT"] = 27, ["JO"] = 30, ["KW"] = 30, ["KZ"] = 20, ["LB"] = 28, ["LC"] = 32, ["LI"] = 21, ["LT"] = 20,
        ["LU"] = 20, ["LV"] = 21, ["LY"] = 25, ["MC"] = 27, ["MD"] = 24, ["ME"] = 22, ["MK"] = 19, ["MN"] = 20,
        ["MR"] = 27, ["MT"] = 31, ["MU"] = 30, ["NI"] = 28, ["NL"] = 18, ["NO"] = 15, ["OM"] = 23, ["PK"] = 24,
        ["PL"] = 28, ["PS"] = 29, ["PT"] = 25, ["QA"] = 29, ["RO"] = 24, ["RS"] = 22, ["RU"] = 33, ["SA"] = 24,
        ["SC"] = 31, ["SD"] = 18, ["SE"] = 24, ["SI"] = 19, ["SK"] = 24, ["SM"] = 27, ["SO"] = 23, ["ST"] = 25,
        ["SV"] = 28, ["TL"] = 23, ["TN"] = 24, ["TR"] = 26, ["UA"] = 29, ["VA"] = 22, ["VG"] = 24, ["XK"] = 20,
        ["YE"] = 30,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public IReadOnlyCollection<string> SupportedEntities { get; } = [PiiEntityTypes.IbanCode];

    public void Analyze(string text, ICollection<PiiEntity> results)
    {
        Span<char> buffer = stackalloc char[34];
        for (var i = 0; i + 15 <= text.Length; i++)
        {
            if (!char.IsAsciiLetter(text[i]) || !char.IsAsciiLetter(text[i + 1]) || !char.IsAsciiDigit(text[i + 2]) || !char.IsAsciiDigit(text[i + 3]) || !PiiContext.BoundaryBefore(text, i))
            {
                continue;
            }

            Span<char> country = [char.ToUpperInvariant(text[i]), char.ToUpperInvariant(text[i + 1])];
            if (!s_lengths.TryGetValue(new string(country), out var length))
            {
                continue;
            }

            var n = 0;
            var j = i;
            while (j < text.Length && n < length)
            {
                var c = text[j];
                if (char.IsAsciiLetterOrDigit(c))
                {
                    buffer[n++] = char.ToUpperInvariant(c);
                    j++;
                }
                else if (c is ' ' or '-' && n > 0 && j + 1 < text.Length && char.IsAsciiLetterOrDigit(text[j + 1]))
                {
                    j++;
                }
                else
                {
                    break;
                }
            }

            if (n == length && PiiContext.BoundaryAfter(text, j) && Mod97(buffer[..n]) == 1)
            {
                results.Add(new PiiEntity(PiiEntityTypes.IbanCode, i, j, 1.0));
                i = j - 1;
            }
        }
    }

    internal static int Mod97(ReadOnlySpan<char> iban)
    {
        var remainder = 0;
        for (var k = 0; k < iban.Length; k++)
        {
            var c = iban[(k + 4) % iban.Length];
            if (char.IsAsciiDigit(c))
            {
                remainder = (remainder * 10 + (c - '0')) % 97;
            }
            else
            {
                remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            }
        }

        return remainder;
    }
}
