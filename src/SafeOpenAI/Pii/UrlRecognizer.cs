namespace SafeOpenAI;

/// <summary>
/// URLs with a scheme (<c>http</c>, <c>https</c>, <c>ftp</c>, <c>ws</c>, <c>wss</c>) or a
/// <c>www.</c> host (RFC 3986 characters), found by scanning from each <c>://</c> and <c>www.</c>;
/// trailing sentence punctuation is not part of the URL. Score 0.6 (Presidio's URL recogniser: 0.5–0.6).
/// Bare domains (<c>example.com</c>) are not reported: without a list of public suffixes they are
/// too easily confused with file names and abbreviations.
/// </summary>
internal sealed class UrlRecognizer : IPiiRecognizer
{
    private const int MaxLength = 2048;
    private static readonly string[] s_schemes = ["https", "http", "ftp", "wss", "ws"];

    public IReadOnlyCollection<string> SupportedEntities { get; } = [PiiEntityTypes.Url];

    public void Analyze(string text, ICollection<PiiEntity> results)
    {
        var covered = 0;
        var i = text.IndexOf("://", StringComparison.Ordinal);
        while (i >= 0)
        {
            foreach (var scheme in s_schemes)
            {
                var start = i - scheme.Length;
                if (start >= covered && start >= 0 && text.AsSpan(start, scheme.Length).Equals(scheme, StringComparison.OrdinalIgnoreCase) && PiiContext.BoundaryBefore(text, start))
                {
                    var end = ScanEnd(text, i + 3);
                    if (end > i + 4)
                    {
                        results.Add(new PiiEntity(PiiEntityTypes.Url, start, end, 0.6));
                        covered = end;
                    }

                    break;
                }
            }

            i = text.IndexOf("://", Math.Max(i + 3, covered), StringComparison.Ordinal);
        }

        i = text.IndexOf("www.", StringComparison.OrdinalIgnoreCase);
        while (i >= 0)
        {
            if (PiiContext.BoundaryBefore(text, i) && (i == 0 || text[i - 1] != '/'))
            {
                var end = ScanEnd(text, i + 4);
                if (end > i + 6 && text.AsSpan(i + 4, end - i - 4).Contains('.'))
                {
                    results.Add(new PiiEntity(PiiEntityTypes.Url, i, end, 0.6));
                    i = end;
                }
            }

            i = i + 4 >= text.Length ? -1 : text.IndexOf("www.", i + 4, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static bool IsUrlChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || "-._~:/?#[]@!$&'()*+,;=%".Contains(c, StringComparison.Ordinal) || (c > 127 && char.IsLetterOrDigit(c));

    private static int ScanEnd(string text, int from)
    {
        var end = from;
        while (end < text.Length && end - from < MaxLength && IsUrlChar(text[end]))
        {
            end++;
        }

        while (end > from && text[end - 1] is '.' or ',' or ';' or ':' or '!' or '?' or '\'' or ')' or ']')
        {
            end--;
        }

        return end;
    }
}
