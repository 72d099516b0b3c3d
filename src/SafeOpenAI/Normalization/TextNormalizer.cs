using System.Text;

namespace SafeOpenAI;

/// <summary>
/// Normalises text before detectors read it, so that the same words look the same however they
/// were disguised: Unicode NFKC, removal of invisible characters, folding of look-alike letters,
/// white-space collapse and, for detection only, lower-casing, leetspeak folding and bounded
/// decoding of embedded encoded spans.
/// </summary>
/// <remarks>
/// <para>
/// Steps, in order: (1) Unicode normalisation form KC (UAX #15), which maps full-width forms,
/// mathematical alphanumerics, ligatures, circled and super/subscript letters to their plain
/// forms; (2) removal of zero-width characters (U+200B–U+200D, U+2060–U+2064, U+FEFF, U+00AD,
/// U+034F, U+180E, Hangul fillers, variation selectors) and bidirectional controls
/// (U+200E/F, U+061C, U+202A–U+202E, U+2066–U+2069; UAX #9), and decoding of Unicode tag
/// characters (U+E0020–U+E007E, "ASCII smuggling") to the ASCII they shadow; (3) folding of
/// Cyrillic, Greek and IPA letters that look like Latin ones to their ASCII prototype
/// (Unicode Technical Standard #39, <c>confusables.txt</c>); (4) every run of white space becomes
/// one space, or one line feed when the run holds a line break, and the ends are trimmed.
/// </para>
/// <para>
/// <see cref="NormalizeForDetection(string)"/> then lower-cases (invariant), folds leetspeak digits and
/// symbols that sit before a letter inside a word (<c>1gn0r3</c> → <c>ignore</c>; <c>gpt4</c>
/// and <c>2024</c> are left alone), and appends, each after a line feed, the decoded text of
/// embedded base64 (RFC 4648, standard and URL-safe alphabets, runs of 16 to 8,192
/// characters), hexadecimal (even runs of 16 or more digits), URL percent-encoding (RFC 3986,
/// three or more escapes in one run) and rot13 spans (when rot13 forms of words such as
/// "ignore", "instruction", "system", "prompt" appear). Decoded text must be mostly printable to
/// be kept, is itself normalised and decoded once more (depth 2), and all decoded text together
/// is capped at 8,192 characters per call. Its output is meant for detectors only: never send it
/// to the model.
/// </para>
/// <para>
/// Both methods run in time linear in the input length, allocate the result and, for non-ASCII
/// input, the NFKC form; working buffers come from the shared array pool. Thread-safe.
/// </para>
/// </remarks>
public static class TextNormalizer
{
    /// <summary>The most decoded characters appended by one <see cref="NormalizeForDetection(string)"/> call.</summary>
    public const int MaxDecodedCharacters = 8_192;

    private const int MinEncodedRun = 16;
    private const int MaxEncodedRun = 8_192;
    private const int MaxDecodeDepth = 2;

    private static readonly string[] s_rot13Markers =
        ["vtaber", "vafgehpgvba", "flfgrz", "cebzcg", "cerivbhf", "qvfertneq", "cergraq", "wnvyoernx", "ehyrf", "bhgchg"];

#if NET9_0_OR_GREATER
    private static readonly System.Buffers.SearchValues<string> s_rot13Search =
        System.Buffers.SearchValues.Create([.. s_rot13Markers, "rot13", "rot-13"], StringComparison.Ordinal);
#endif

    /// <summary>
    /// Applies NFKC, removes invisible and bidi-control characters, folds look-alike letters and
    /// collapses white space. Case, digits and encoded spans are kept.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>The normalised text; the same instance when nothing changed is not guaranteed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stats = default(NormalizationStats);
        var source = ToNfkc(text, ref stats);
        var buffer = new CharBuffer(source.Length);
        try
        {
            CoreFold(source, ref buffer, lowerCase: false, ref stats);
            return buffer.ToString();
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>
    /// Normalises for detectors: <see cref="Normalize"/>, then lower-casing, leetspeak folding, and
    /// the decoded text of embedded base64, hex, URL-encoded and rot13 spans appended after a line feed.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>The text to scan; not meant to be shown or sent anywhere.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static string NormalizeForDetection(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return NormalizeForDetection(text, out _, MaxDecodedCharacters);
    }

    /// <summary>Normalises for detectors and reports what was changed.</summary>
    /// <param name="text">The text.</param>
    /// <param name="stats">Counts of what was removed, folded and decoded.</param>
    /// <param name="decodeBudget">The most decoded characters to append.</param>
    /// <returns>The text to scan.</returns>
    internal static string NormalizeForDetection(string text, out NormalizationStats stats, int decodeBudget)
    {
        stats = default;
        var buffer = new CharBuffer(text.Length + 64);
        try
        {
            var budget = decodeBudget;
            AppendForDetection(text, ref buffer, depth: 0, ref budget, ref stats);
            return buffer.ToString();
        }
        finally
        {
            buffer.Dispose();
        }
    }

    private static void AppendForDetection(string text, ref CharBuffer buffer, int depth, ref int budget, ref NormalizationStats stats)
    {
        var source = ToNfkc(text, ref stats);
        var start = buffer.Length;
        CoreFold(source, ref buffer, lowerCase: true, ref stats);
        FoldLeet(buffer.Written[start..], ref stats);
        if (depth >= MaxDecodeDepth || budget <= 0)
        {
            return;
        }

        DecodeSpans(source, ref buffer, depth, ref budget, ref stats);
        DecodeRot13(ref buffer, start, depth, ref budget, ref stats);
    }

    private static string ToNfkc(string text, ref NormalizationStats stats)
    {
        if (System.Text.Ascii.IsValid(text))
        {
            return text;
        }

        string normalized;
        try
        {
            normalized = text.IsNormalized(NormalizationForm.FormKC) ? text : text.Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            // Lone surrogates and U+FFFE make the text invalid for normalisation: replace them and normalise again.
            normalized = ReplaceInvalidCodeUnits(text).Normalize(NormalizationForm.FormKC);
        }

        if (!ReferenceEquals(normalized, text))
        {
            stats.CompatibilityFolded++;
        }

        return normalized;
    }

    /// <summary>Replaces lone surrogates and U+FFFE, which <see cref="string.Normalize(NormalizationForm)"/> rejects, with U+FFFD.</summary>
    private static string ReplaceInvalidCodeUnits(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(chars[i]) || chars[i] == '\uFFFE')
            {
                chars[i] = '\uFFFD';
            }
        }

        return new string(chars);
    }

    private static void CoreFold(string source, ref CharBuffer buffer, bool lowerCase, ref NormalizationStats stats)
    {
        var start = buffer.Length;
        var pendingSpace = false;
        var pendingNewLine = false;
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            if (c < 0x80)
            {
                if (c is ' ' or '\t' or '\r' or '\n' or '\f' or '\v')
                {
                    pendingSpace = true;
                    pendingNewLine |= c is '\n' or '\r';
                    continue;
                }

                if (c < 0x20 || c == 0x7F)
                {
                    continue;
                }
            }
            else
            {
                if (c == '\uDB40' && i + 1 < source.Length && source[i + 1] is >= '\uDC00' and <= '\uDC7F')
                {
                    // A Unicode tag character (U+E0000..U+E007F): invisible, shadows an ASCII character.
                    var shadow = (char)(source[i + 1] - 0xDC00);
                    i++;
                    stats.InvisibleRemoved++;
                    if (shadow is < (char)0x20 or > (char)0x7E)
                    {
                        continue;
                    }

                    if (shadow == ' ')
                    {
                        // A tag space is white space like any other: collapsed with its neighbours, trimmed at the ends.
                        pendingSpace = true;
                        continue;
                    }

                    c = shadow;
                }
                else if (IsInvisible(c))
                {
                    stats.InvisibleRemoved++;
                    continue;
                }
                else if (char.IsWhiteSpace(c))
                {
                    pendingSpace = true;
                    pendingNewLine |= c is '\u2028' or '\u2029' or '\u0085';
                    continue;
                }
                else if (ConfusableMap.TryFold(c, out var ascii))
                {
                    stats.ConfusablesFolded++;
                    c = ascii;
                }
            }

            if (pendingSpace)
            {
                if (buffer.Length > start)
                {
                    buffer.Append(pendingNewLine ? '\n' : ' ');
                }

                pendingSpace = false;
                pendingNewLine = false;
            }

            buffer.Append(!lowerCase ? c : c < 0x80 ? (char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c) : char.ToLowerInvariant(c));
        }
    }

    private static bool IsInvisible(char c) => c switch
    {
        '\u00AD' or '\u034F' or '\u061C' or '\u115F' or '\u1160' or '\u17B4' or '\u17B5' or '\u180E' => true,
        >= '\u200B' and <= '\u200F' => true,
        >= '\u202A' and <= '\u202E' => true,
        >= '\u2060' and <= '\u2064' => true,
        >= '\u2066' and <= '\u206F' => true,
        '\u3164' or '\uFEFF' or '\uFFA0' => true,
        >= '\uFE00' and <= '\uFE0F' => true,
        _ => false,
    };

    private static char Leet(char c) => c switch
    {
        '0' => 'o',
        '1' => 'i',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '7' => 't',
        '@' => 'a',
        '$' => 's',
        '!' => 'i',
        _ => '\0',
    };

    private static void FoldLeet(Span<char> text, ref NormalizationStats stats)
    {
        // A leet character is folded when the next character is a letter and the word holds a letter before it or
        // another leet character, so "1gn0r3" becomes "ignore" while "gpt4", "2024" and "$5" stay as they are.
        var wordStart = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '@' or '$' or '!'))
            {
                continue;
            }

            FoldLeetWord(text[wordStart..i], ref stats);
            wordStart = i + 1;
        }
    }

    private static void FoldLeetWord(Span<char> word, ref NormalizationStats stats)
    {
        if (word.Length < 3)
        {
            return;
        }

        var letters = 0;
        var foldable = false;
        for (var i = 0; i < word.Length; i++)
        {
            if (char.IsLetter(word[i]))
            {
                letters++;
            }
            else if (Leet(word[i]) != '\0' && i + 1 < word.Length && char.IsLetter(word[i + 1]))
            {
                foldable = true;
            }
        }

        if (!foldable || letters < 2)
        {
            return;
        }

        for (var i = 0; i < word.Length; i++)
        {
            var folded = Leet(word[i]);
            if (folded != '\0')
            {
                word[i] = folded;
                stats.LeetFolded++;
            }
        }
    }

    private static void DecodeSpans(string source, ref CharBuffer buffer, int depth, ref int budget, ref NormalizationStats stats)
    {
        var i = 0;
        while (i < source.Length && budget > 0)
        {
            var c = source[i];
            if (c == '%' || IsBase64Char(c))
            {
                var j = i;
                var escapes = 0;
                var onlyHex = true;
                var base64Only = true;
                while (j < source.Length && (IsBase64Char(source[j]) || source[j] is '%' or '.' or '~'))
                {
                    var d = source[j];
                    if (d == '%')
                    {
                        base64Only = false;
                        onlyHex = false;
                        if (j + 2 < source.Length && char.IsAsciiHexDigit(source[j + 1]) && char.IsAsciiHexDigit(source[j + 2]))
                        {
                            escapes++;
                        }
                    }
                    else if (d is '.' or '~')
                    {
                        base64Only = false;
                        onlyHex = false;
                    }
                    else if (!char.IsAsciiHexDigit(d))
                    {
                        onlyHex = false;
                    }

                    j++;
                }

                var run = source.AsSpan(i, j - i);
                if (run.Length >= MinEncodedRun || escapes >= 3)
                {
                    string? decoded = null;
                    if (escapes >= 3)
                    {
                        decoded = Uri.UnescapeDataString(run.Length > MaxEncodedRun ? run[..MaxEncodedRun].ToString() : run.ToString());
                    }
                    else if (run.Length <= MaxEncodedRun && onlyHex && run.Length % 2 == 0)
                    {
                        decoded = TryHex(run);
                    }
                    else if (run.Length <= MaxEncodedRun && base64Only)
                    {
                        decoded = TryBase64(run);
                    }

                    if (decoded is not null && IsMostlyPrintable(decoded))
                    {
                        if (decoded.Length > budget)
                        {
                            decoded = decoded[..budget];
                        }

                        budget -= decoded.Length;
                        stats.DecodedSpans++;
                        buffer.Append('\n');
                        AppendForDetection(decoded, ref buffer, depth + 1, ref budget, ref stats);
                    }
                }

                i = j;
            }
            else
            {
                i++;
            }
        }
    }

    private static void DecodeRot13(ref CharBuffer buffer, int start, int depth, ref int budget, ref NormalizationStats stats)
    {
        var written = buffer.Written[start..];
#if NET9_0_OR_GREATER
        var found = written.ContainsAny(s_rot13Search);
#else
        var found = written.Contains("rot13", StringComparison.Ordinal) || written.Contains("rot-13", StringComparison.Ordinal);
        for (var m = 0; !found && m < s_rot13Markers.Length; m++)
        {
            found = written.Contains(s_rot13Markers[m], StringComparison.Ordinal);
        }
#endif

        if (!found)
        {
            return;
        }

        var length = Math.Min(written.Length, budget);
        var rotated = string.Create(length, written[..length].ToString(), static (span, s) =>
        {
            for (var k = 0; k < span.Length; k++)
            {
                var ch = s[k];
                span[k] = ch is >= 'a' and <= 'z' ? (char)('a' + ((ch - 'a' + 13) % 26)) : ch;
            }
        });
        budget -= length;
        stats.DecodedSpans++;
        buffer.Append('\n');
        AppendForDetection(rotated, ref buffer, depth + 1, ref budget, ref stats);
    }

    private static bool IsBase64Char(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '-' or '_';

    private static string? TryHex(ReadOnlySpan<char> run)
    {
        var bytes = new byte[run.Length / 2];
        for (var k = 0; k < bytes.Length; k++)
        {
            bytes[k] = (byte)((HexValue(run[2 * k]) << 4) | HexValue(run[(2 * k) + 1]));
        }

        return Encoding.UTF8.GetString(bytes);
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static string? TryBase64(ReadOnlySpan<char> run)
    {
        var trimmed = run.TrimEnd('=');
        if (trimmed.Length < MinEncodedRun)
        {
            return null;
        }

        Span<char> chars = trimmed.Length + 3 <= 1024 ? stackalloc char[trimmed.Length + 3] : new char[trimmed.Length + 3];
        var n = 0;
        var hasDigitOrUpperMix = false;
        foreach (var ch in trimmed)
        {
            if (ch == '=')
            {
                return null;
            }

            chars[n++] = ch switch { '-' => '+', '_' => '/', _ => ch };
            hasDigitOrUpperMix |= char.IsAsciiDigit(ch) || ch is '+' or '/';
        }

        if (!hasDigitOrUpperMix && !HasMixedCase(trimmed))
        {
            return null;
        }

        while (n % 4 != 0)
        {
            if (n % 4 == 1)
            {
                n--;
                continue;
            }

            chars[n++] = '=';
        }

        var bytes = new byte[(n / 4) * 3];
        return Convert.TryFromBase64Chars(chars[..n], bytes, out var written) ? Encoding.UTF8.GetString(bytes, 0, written) : null;
    }

    private static bool HasMixedCase(ReadOnlySpan<char> run)
    {
        var upper = false;
        var lower = false;
        foreach (var ch in run)
        {
            upper |= char.IsAsciiLetterUpper(ch);
            lower |= char.IsAsciiLetterLower(ch);
        }

        return upper && lower;
    }

    private static bool IsMostlyPrintable(string decoded)
    {
        if (decoded.Length < 4)
        {
            return false;
        }

        var printable = 0;
        var letters = 0;
        foreach (var ch in decoded)
        {
            if (char.IsLetter(ch))
            {
                letters++;
                printable++;
            }
            else if (ch is ' ' or '\n' or '\t' or '\r' || (!char.IsControl(ch) && ch != '\uFFFD'))
            {
                printable++;
            }
        }

        return printable >= decoded.Length * 0.95 && letters >= decoded.Length * 0.5;
    }
}
