using System.Collections.Frozen;

namespace SafeOpenAI;

/// <summary>
/// Finds URLs in free text in one left-to-right pass, without regular expressions: URLs with a
/// scheme and <c>://</c> (RFC 3986 section 3), the schemes that need no slashes and are dangerous in
/// a link (<c>javascript:</c>, <c>vbscript:</c>, <c>data:</c>, <c>file:</c>, <c>blob:</c>), hosts
/// starting with <c>www.</c>, and bare domains whose last label is a known top-level domain.
/// </summary>
/// <remarks>
/// E-mail addresses are not URLs: a name right before or after an <c>@</c> outside a URL is skipped.
/// Trailing sentence punctuation and an unbalanced closing bracket are not part of a URL (so
/// <c>(see https://example.com/a_(b))</c> keeps its inner brackets). A URL is at most
/// <see cref="MaxUrlLength"/> characters; a longer run is cut there. Bare domains need a top-level
/// domain from a fixed list of common generic and country domains, leaving out those that are also
/// common file extensions (<c>.py</c>, <c>.md</c>, <c>.sh</c>, <c>.rs</c>, <c>.pl</c>, <c>.js</c>), so that
/// <c>README.md</c> and <c>setup.py</c> are not URLs. Time is linear in the text: each character is
/// looked at a bounded number of times. Stateless and thread-safe.
/// </remarks>
internal static class UrlExtractor
{
    /// <summary>The longest URL reported, in characters.</summary>
    public const int MaxUrlLength = 2048;

    private const int MaxSchemeLength = 32;

    private static readonly FrozenSet<string> s_slashlessSchemes =
        FrozenSet.ToFrozenSet(["javascript", "vbscript", "data", "file", "blob"], StringComparer.OrdinalIgnoreCase);

    // Generic TLDs in wide use, and country TLDs that are not also everyday file extensions.
    private static readonly FrozenSet<string> s_topLevelDomains = FrozenSet.ToFrozenSet(
    [
        "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "name", "pro", "io", "ai", "app", "dev", "co",
        "me", "tv", "cc", "ly", "gg", "xyz", "online", "site", "store", "shop", "tech", "cloud", "blog", "news", "top",
        "club", "live", "link", "click", "page", "website", "space", "today", "world", "email", "finance", "bank",
        "us", "uk", "ca", "au", "nz", "ie", "de", "fr", "es", "it", "nl", "be", "ch", "at", "se", "no", "dk", "fi",
        "is", "pt", "gr", "cz", "sk", "hu", "ro", "bg", "hr", "si", "ee", "lv", "lt", "ua", "ru", "by", "kz", "tr",
        "il", "ae", "sa", "ir", "in", "pk", "bd", "lk", "cn", "jp", "kr", "tw", "hk", "sg", "my", "th", "vn", "id",
        "ph", "br", "ar", "cl", "mx", "pe", "ve", "uy", "za", "ng", "ke", "eg", "ma", "eu", "asia", "su", "to", "ws",
        "fm", "am", "la", "tk", "ml", "ga", "cf", "gq", "pw", "cx", "nu", "vc", "ms", "sx", "bz", "mobi", "travel",
    ], StringComparer.OrdinalIgnoreCase);

    /// <summary>Finds the URLs in <paramref name="text"/>, in order, without overlaps.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The URLs found; empty when there are none.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static List<ExtractedUrl> Extract(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<ExtractedUrl>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (!IsHostChar(c) || (i > 0 && IsWordContinuation(text[i - 1])))
            {
                i++;
                continue;
            }

            if (TryScheme(text, i, out var url) || TryWww(text, i, out url) || TryBareDomain(text, i, out url))
            {
                found.Add(url);
                i = url.End;
                continue;
            }

            // Nothing starts here: skip the whole word so that no character is rescanned.
            var j = i + 1;
            while (j < text.Length && IsHostChar(text[j]))
            {
                j++;
            }

            i = j;
        }

        return found;
    }

    /// <summary>A character that can be part of a host name: an ASCII letter or digit, <c>-</c>, <c>.</c>, or a non-ASCII letter or digit (IDN).</summary>
    internal static bool IsHostChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '.' || (c > 0x7F && (char.IsLetterOrDigit(c) || char.IsSurrogate(c) || IsIdnDot(c) || c == '\u00AD'));

    /// <summary>The dots IDNA (UTS #46) maps to a full stop: ideographic, full-width and half-width ideographic.</summary>
    internal static bool IsIdnDot(char c) => c is '\u3002' or '\uFF0E' or '\uFF61';

    private static bool IsWordContinuation(char c) => IsHostChar(c) || c is '@' or '_' or '/' or '\\' or '%' or '+';

    private static bool TryScheme(string text, int start, out ExtractedUrl url)
    {
        url = default;
        if (!char.IsAsciiLetter(text[start]))
        {
            return false;
        }

        var j = start + 1;
        while (j < text.Length && j - start <= MaxSchemeLength && (char.IsAsciiLetterOrDigit(text[j]) || text[j] is '+' or '-' or '.'))
        {
            j++;
        }

        // Two letters at least, so that a Windows drive (C://) is not a scheme.
        if (j >= text.Length || text[j] != ':' || j - start < 2 || j - start > MaxSchemeLength)
        {
            return false;
        }

        var scheme = text.Substring(start, j - start).ToLowerInvariant();
        if (j + 2 < text.Length && text[j + 1] == '/' && text[j + 2] == '/')
        {
            return TryAuthority(text, start, j + 3, scheme, out url);
        }

        // javascript:alert(1), data:text/html,..., file:/etc/passwd: the rest up to white space,
        // but not prose such as "data: 42" or "File: notes".
        if (s_slashlessSchemes.Contains(scheme) && j + 1 < text.Length && !char.IsWhiteSpace(text[j + 1]) && !IsClosingPunctuation(text[j + 1]))
        {
            var end = ScanRest(text, j + 1, start);
            if (end > j + 1)
            {
                url = new ExtractedUrl(start, end, scheme, false, string.Empty, false, string.Empty);
                return true;
            }
        }

        return false;
    }

    private static bool TryWww(string text, int start, out ExtractedUrl url)
    {
        url = default;
        if (start + 4 >= text.Length || !text.AsSpan(start, 4).Equals("www.", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return TryAuthority(text, start, start, scheme: null, out url) && url.Host.Length > 4 && url.Host.AsSpan(4).Contains('.');
    }

    private static bool TryBareDomain(string text, int start, out ExtractedUrl url)
    {
        url = default;
        var end = start;
        while (end < text.Length && end - start < MaxUrlLength && IsHostChar(text[end]))
        {
            end++;
        }

        // An e-mail address (name@domain) is not a URL.
        if ((start > 0 && text[start - 1] == '@') || (end < text.Length && text[end] == '@'))
        {
            return false;
        }

        // A trailing full stop ends the sentence, not the domain.
        var hostEnd = end;
        while (hostEnd > start && (text[hostEnd - 1] == '.' || text[hostEnd - 1] == '-'))
        {
            hostEnd--;
        }

        var lastDot = -1;
        for (var k = hostEnd - 1; k > start; k--)
        {
            if (text[k] == '.' || IsIdnDot(text[k]))
            {
                lastDot = k;
                break;
            }
        }

        // The top-level domain must be written in lower case, so that ASP.NET and similar names are not domains.
        if (lastDot <= start || !IsLabelStart(text[start]) || !IsLowerTopLevelDomain(text.AsSpan(lastDot + 1, hostEnd - lastDot - 1)))
        {
            return false;
        }

        if (hostEnd == end && end < text.Length && text[end] is '/' or ':' or '?' or '#')
        {
            return TryAuthority(text, start, start, scheme: null, out url);
        }

        url = new ExtractedUrl(start, hostEnd, null, false, text.Substring(start, hostEnd - start), false, string.Empty);
        return true;
    }

    private static bool IsLowerTopLevelDomain(ReadOnlySpan<char> label)
    {
        foreach (var c in label)
        {
            if (!char.IsAsciiLetterLower(c))
            {
                return false;
            }
        }

        return label.Length > 0 && s_topLevelDomains.Contains(label.ToString());
    }

    private static bool IsLabelStart(char c) => char.IsAsciiLetterOrDigit(c) || (c > 0x7F && char.IsLetterOrDigit(c));

    /// <summary>Reads <c>[userinfo@]host[:port]</c> from <paramref name="authorityStart"/> and the path, query and fragment after it.</summary>
    private static bool TryAuthority(string text, int start, int authorityStart, string? scheme, out ExtractedUrl url)
    {
        url = default;
        var limit = Math.Min(text.Length, start + MaxUrlLength);
        var authorityEnd = authorityStart;
        var at = -1;
        while (authorityEnd < limit && IsUrlChar(text[authorityEnd]) && text[authorityEnd] is not ('/' or '?' or '#' or '\\'))
        {
            if (text[authorityEnd] == '@')
            {
                at = authorityEnd;
            }

            authorityEnd++;
        }

        var hostStart = at >= 0 ? at + 1 : authorityStart;
        string host;
        var bracketed = false;
        int hostEnd;
        if (hostStart < authorityEnd && text[hostStart] == '[')
        {
            var close = text.IndexOf(']', hostStart, authorityEnd - hostStart);
            if (close < 0)
            {
                return false;
            }

            host = text.Substring(hostStart + 1, close - hostStart - 1);
            bracketed = true;
            hostEnd = close + 1;
        }
        else
        {
            hostEnd = hostStart;
            while (hostEnd < authorityEnd && text[hostEnd] != ':')
            {
                hostEnd++;
            }

            // A host never ends with sentence punctuation: "see https://example.com." ends the sentence.
            var trimmed = hostEnd;
            if (hostEnd == authorityEnd)
            {
                while (trimmed > hostStart && IsTrailingPunctuation(text[trimmed - 1]))
                {
                    trimmed--;
                }
            }

            host = text.Substring(hostStart, trimmed - hostStart);
            if (trimmed < hostEnd)
            {
                authorityEnd = trimmed;
            }
        }

        if (host.Length == 0 && scheme is not "file")
        {
            return false;
        }

        var end = authorityEnd < limit && text[authorityEnd] is '/' or '?' or '#'
            ? ScanRest(text, authorityEnd, start)
            : TrimEnd(text, authorityEnd, Math.Min(hostEnd, authorityEnd));
        var pathEnd = authorityEnd;
        while (pathEnd < end && text[pathEnd] is not ('?' or '#'))
        {
            pathEnd++;
        }

        var path = authorityEnd < end && text[authorityEnd] == '/' ? text.Substring(authorityEnd, pathEnd - authorityEnd) : string.Empty;
        url = new ExtractedUrl(start, end, scheme, at >= 0, host, bracketed, path);
        return true;
    }

    /// <summary>Reads URL characters from <paramref name="from"/> and trims what ends the sentence rather than the URL.</summary>
    private static int ScanRest(string text, int from, int start)
    {
        var limit = Math.Min(text.Length, start + MaxUrlLength);
        var end = from;
        while (end < limit && IsUrlChar(text[end]))
        {
            end++;
        }

        return TrimEnd(text, end, from);
    }

    private static int TrimEnd(string text, int end, int floor)
    {
        // Brackets are counted once, so trimming a run of closers stays linear.
        int parens = 0, squares = 0, braces = 0;
        foreach (var c in text.AsSpan(floor, end - floor))
        {
            switch (c)
            {
                case '(': parens++; break;
                case ')': parens--; break;
                case '[': squares++; break;
                case ']': squares--; break;
                case '{': braces++; break;
                case '}': braces--; break;
            }
        }

        while (end > floor)
        {
            var last = text[end - 1];
            if (IsTrailingPunctuation(last))
            {
                end--;
            }
            else if ((last == ')' && parens < 0) || (last == ']' && squares < 0) || (last == '}' && braces < 0))
            {
                // An unbalanced closer belongs to the sentence around the URL: "(see https://example.com/a)".
                parens += last == ')' ? 1 : 0;
                squares += last == ']' ? 1 : 0;
                braces += last == '}' ? 1 : 0;
                end--;
            }
            else
            {
                break;
            }
        }

        return end;
    }

    private static bool IsTrailingPunctuation(char c) => c is '.' or ',' or ';' or ':' or '!' or '?' or '\'' or '"' or '*' or '_' or '~' or '\u3002' or '\uFF0C';

    private static bool IsClosingPunctuation(char c) => c is ')' or ']' or '}' or ',' or '.' or ';';

    /// <summary>A character that may appear in a URL as written in text: RFC 3986 characters, percent signs, and non-ASCII letters (IRIs, RFC 3987).</summary>
    private static bool IsUrlChar(char c) =>
        c < 0x80
            ? char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or ':' or '/' or '?' or '#' or '[' or ']' or '@' or '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '=' or '%' or '\\'
            : !char.IsWhiteSpace(c) && !char.IsControl(c) && c is not ('\u201C' or '\u201D' or '\u2018' or '\u2019' or '\u00AB' or '\u00BB' or '\u3001' or '\u300C' or '\u300D');
}
