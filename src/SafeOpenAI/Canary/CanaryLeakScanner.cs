using System.Text;

namespace SafeOpenAI;

/// <summary>Finds a canary token, or a verbatim run of a system prompt, in a model answer. Linear in the answer and prompt lengths.</summary>
internal static class CanaryLeakScanner
{
    private const ulong HashBase = 1_099_511_628_211UL;

    /// <summary>Returns how the token appears in the text (<c>plain</c>, <c>case</c>, <c>spaced</c>, <c>reversed</c>, <c>hex</c>, <c>base64</c>), or <see langword="null"/>.</summary>
    public static string? FindToken(string text, string token)
    {
        if (text.Length == 0)
        {
            return null;
        }

        if (text.Contains(token, StringComparison.Ordinal))
        {
            return "plain";
        }

        if (text.Contains(token, StringComparison.OrdinalIgnoreCase))
        {
            return "case";
        }

        var lower = token.ToLowerInvariant();
        var compact = Compact(text);
        if (compact.Contains(lower, StringComparison.Ordinal))
        {
            return "spaced";
        }

        var reversed = string.Create(lower.Length, lower, static (span, s) =>
        {
            s.AsSpan().CopyTo(span);
            span.Reverse();
        });
        if (compact.Contains(reversed, StringComparison.Ordinal))
        {
            return "reversed";
        }

        var upper = token.ToUpperInvariant();
        if (compact.Contains(Convert.ToHexString(Encoding.ASCII.GetBytes(lower)).ToLowerInvariant(), StringComparison.Ordinal)
            || compact.Contains(Convert.ToHexString(Encoding.ASCII.GetBytes(upper)).ToLowerInvariant(), StringComparison.Ordinal))
        {
            return "hex";
        }

        var withoutWhiteSpace = RemoveWhiteSpace(text);
        foreach (var form in (ReadOnlySpan<string>)[lower, upper])
        {
            var bytes = Encoding.ASCII.GetBytes(form);

            // The token may sit at any offset of the encoded text: for each of the three
            // alignments, the whole 3-byte groups inside the token encode to a fixed substring.
            for (var skip = 0; skip < 3; skip++)
            {
                var length = (bytes.Length - skip) / 3 * 3;
                if (length < 9)
                {
                    continue;
                }

                var needle = Convert.ToBase64String(bytes, skip, length);
                if (withoutWhiteSpace.Contains(needle, StringComparison.Ordinal)
                    || withoutWhiteSpace.Contains(needle.Replace('+', '-').Replace('/', '_'), StringComparison.Ordinal))
                {
                    return "base64";
                }
            }
        }

        return null;
    }

    /// <summary>Collapses white-space runs to one space, trims, and lower-cases (invariant), for comparing text verbatim up to spacing and case.</summary>
    public static string NormalizeForLeak(string text)
    {
        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    /// <summary>
    /// Returns the length of the first run of at least <paramref name="minimum"/> characters that
    /// the normalised answer shares with the normalised prompt, or 0. Rabin–Karp over the prompt's
    /// windows, each hit verified: O(prompt + answer).
    /// </summary>
    public static int FindSharedRun(string normalizedPrompt, string normalizedAnswer, int minimum)
    {
        if (normalizedPrompt.Length < minimum || normalizedAnswer.Length < minimum)
        {
            return 0;
        }

        var power = 1UL;
        for (var i = 1; i < minimum; i++)
        {
            power *= HashBase;
        }

        var windows = new Dictionary<ulong, int>(normalizedPrompt.Length - minimum + 1);
        var hash = Hash(normalizedPrompt.AsSpan(0, minimum));
        windows.TryAdd(hash, 0);
        for (var i = minimum; i < normalizedPrompt.Length; i++)
        {
            hash = ((hash - (normalizedPrompt[i - minimum] * power)) * HashBase) + normalizedPrompt[i];
            windows.TryAdd(hash, i - minimum + 1);
        }

        hash = Hash(normalizedAnswer.AsSpan(0, minimum));
        for (var start = 0; ; start++)
        {
            if (windows.TryGetValue(hash, out var at)
                && normalizedPrompt.AsSpan(at, minimum).SequenceEqual(normalizedAnswer.AsSpan(start, minimum)))
            {
                var length = minimum;
                while (at + length < normalizedPrompt.Length && start + length < normalizedAnswer.Length
                    && normalizedPrompt[at + length] == normalizedAnswer[start + length])
                {
                    length++;
                }

                return length;
            }

            var next = start + minimum;
            if (next >= normalizedAnswer.Length)
            {
                return 0;
            }

            hash = ((hash - (normalizedAnswer[start] * power)) * HashBase) + normalizedAnswer[next];
        }
    }

    private static ulong Hash(ReadOnlySpan<char> window)
    {
        var hash = 0UL;
        foreach (var c in window)
        {
            hash = (hash * HashBase) + c;
        }

        return hash;
    }

    /// <summary>Letters and digits only, lower-cased, with full-width ASCII folded to ASCII: undoes spacing, punctuation and case games.</summary>
    private static string Compact(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var raw in text)
        {
            var c = raw is >= '\uFF01' and <= '\uFF5E' ? (char)(raw - 0xFEE0) : raw;
            if (char.IsLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    private static string RemoveWhiteSpace(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
