using System.Globalization;
using System.Text;

namespace SafeOpenAI;

/// <summary>
/// What a URL's host is once normalised as a browser would read it: percent-escapes decoded,
/// IDNA dots and invisible characters removed, Unicode NFKC, lower case, no trailing dot, and then
/// its ASCII (punycode) form for comparison with an allow-list (IDNA, RFC 5891 / UTS #46).
/// </summary>
/// <param name="Name">The host's ASCII form (<c>xn--</c> labels for Unicode names); the IP text for an IP literal.</param>
/// <param name="IsIpLiteral">Whether the host is an IP address: bracketed, or a last label that is a number (the WHATWG URL standard's IPv4 rule).</param>
/// <param name="IsHomoglyph">Whether a label is punycode, mixes scripts (UTS #39 restriction levels), or is made only of letters that look Latin.</param>
internal readonly record struct UrlHost(string Name, bool IsIpLiteral, bool IsHomoglyph)
{
    private static readonly IdnMapping s_idn = new() { AllowUnassigned = false, UseStd3AsciiRules = false };

    [Flags]
    private enum Script
    {
        None = 0,
        Latin = 1,
        Greek = 2,
        Cyrillic = 4,
        Armenian = 8,
        Han = 16,
        Hiragana = 32,
        Katakana = 64,
        Hangul = 128,
        Bopomofo = 256,
        Other = 512,
    }

    /// <summary>Normalises and classifies a host as written in a URL.</summary>
    /// <param name="raw">The host as written, without brackets.</param>
    /// <param name="bracketed">Whether it was written in brackets (an IPv6 or future IP literal).</param>
    /// <returns>The host.</returns>
    public static UrlHost Analyze(string raw, bool bracketed)
    {
        if (bracketed)
        {
            return new UrlHost(raw.ToLowerInvariant(), true, false);
        }

        var name = Normalize(raw);
        if (IsNumericLastLabel(name))
        {
            return new UrlHost(name, true, false);
        }

        var homoglyph = false;
        foreach (var label in name.Split('.'))
        {
            if (label.StartsWith("xn--", StringComparison.Ordinal) || IsConfusableLabel(label))
            {
                homoglyph = true;
                break;
            }
        }

        return new UrlHost(ToAscii(name), false, homoglyph);
    }

    /// <summary>Normalises a host name as <see cref="Analyze"/> does and returns its ASCII form; used for allow-list entries.</summary>
    /// <param name="raw">The host.</param>
    /// <returns>The normalised ASCII form.</returns>
    public static string NormalizeName(string raw) => ToAscii(Normalize(raw));

    private static string Normalize(string raw)
    {
        var text = raw.Contains('%', StringComparison.Ordinal) ? PercentDecode(raw) : raw;
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (UrlExtractor.IsIdnDot(c))
            {
                builder.Append('.');
            }
            else if (c is not ('\u00AD' or '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF'))
            {
                // UTS #46 maps soft hyphens and zero-width characters to nothing.
                builder.Append(c);
            }
        }

        var name = builder.ToString();
        if (!Ascii.IsValid(name))
        {
            try
            {
                name = name.Normalize(NormalizationForm.FormKC);
            }
            catch (ArgumentException)
            {
                // Invalid UTF-16 (a lone surrogate) cannot be normalised; it is compared as written.
            }
        }

        return name.ToLowerInvariant().TrimEnd('.');
    }

    private static string ToAscii(string name)
    {
        if (Ascii.IsValid(name))
        {
            return name;
        }

        try
        {
            return s_idn.GetAscii(name);
        }
        catch (ArgumentException)
        {
            // Not a valid IDN: compared as written, which matches no allow-list entry but itself.
            return name;
        }
    }

    private static string PercentDecode(string raw)
    {
        try
        {
            return Uri.UnescapeDataString(raw);
        }
        catch (UriFormatException)
        {
            return raw;
        }
    }

    private static bool IsNumericLastLabel(string name)
    {
        var dot = name.LastIndexOf('.');
        var last = name.AsSpan(dot + 1);
        if (last.Length == 0)
        {
            return false;
        }

        if (last.Length > 2 && last[0] == '0' && last[1] is 'x' or 'X')
        {
            foreach (var c in last[2..])
            {
                if (!char.IsAsciiHexDigit(c))
                {
                    return false;
                }
            }

            return true;
        }

        foreach (var c in last)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A label that mixes scripts beyond what UTS #39's "highly restrictive" level allows, or whose letters all look Latin but are not.</summary>
    private static bool IsConfusableLabel(string label)
    {
        if (Ascii.IsValid(label))
        {
            return false;
        }

        var scripts = Script.None;
        var letters = 0;
        var lookAlikes = 0;
        foreach (var c in label)
        {
            var script = ScriptOf(c);
            if (script == Script.None)
            {
                continue;
            }

            scripts |= script;
            letters++;
            if (c > 0x7F && ConfusableMap.TryFold(c, out _))
            {
                lookAlikes++;
            }
        }

        if (letters > 0 && lookAlikes == letters)
        {
            return true;
        }

        return !IsSingleScript(scripts) && !IsAllowedMix(scripts);
    }

    private static bool IsSingleScript(Script scripts) => scripts == Script.None || (scripts & (scripts - 1)) == 0;

    // UTS #39 section 5.2, "Highly Restrictive": Latin may be combined with Han + Hiragana + Katakana
    // (Japanese), Han + Bopomofo (Chinese) or Han + Hangul (Korean).
    private static bool IsAllowedMix(Script scripts) =>
        (scripts & ~(Script.Latin | Script.Han | Script.Hiragana | Script.Katakana)) == 0 ||
        (scripts & ~(Script.Latin | Script.Han | Script.Bopomofo)) == 0 ||
        (scripts & ~(Script.Latin | Script.Han | Script.Hangul)) == 0;

    private static Script ScriptOf(char c) => c switch
    {
        < 'A' => Script.None,
        <= 'Z' => Script.Latin,
        >= 'a' and <= 'z' => Script.Latin,
        < '\u00C0' => Script.None,
        <= '\u024F' when c is not ('\u00D7' or '\u00F7') => Script.Latin,
        >= '\u0250' and <= '\u02AF' => Script.Latin,
        >= '\u0300' and <= '\u036F' => Script.None, // combining marks inherit the script of their base
        >= '\u0370' and <= '\u03FF' => Script.Greek,
        >= '\u0400' and <= '\u052F' => Script.Cyrillic,
        >= '\u0530' and <= '\u058F' => Script.Armenian,
        >= '\u1C80' and <= '\u1C8F' => Script.Cyrillic,
        >= '\u1D00' and <= '\u1D7F' => Script.Latin,
        >= '\u1E00' and <= '\u1EFF' => Script.Latin,
        >= '\u1F00' and <= '\u1FFF' => Script.Greek,
        >= '\u2DE0' and <= '\u2DFF' => Script.Cyrillic,
        >= '\u3040' and <= '\u309F' => Script.Hiragana,
        >= '\u30A0' and <= '\u30FF' => Script.Katakana,
        >= '\u3100' and <= '\u312F' => Script.Bopomofo,
        >= '\u3400' and <= '\u4DBF' => Script.Han,
        >= '\u4E00' and <= '\u9FFF' => Script.Han,
        >= '\uA640' and <= '\uA69F' => Script.Cyrillic,
        >= '\uAC00' and <= '\uD7AF' => Script.Hangul,
        >= '\u1100' and <= '\u11FF' => Script.Hangul,
        >= '\uD800' and <= '\uDFFF' => Script.Other,
        _ when char.IsLetter(c) => Script.Other,
        _ => Script.None,
    };
}
