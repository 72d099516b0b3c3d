namespace SafeOpenAI;

/// <summary>
/// E-mail addresses: a scan outward from each '@' (no regular expression), so the cost is at most
/// 64 + 255 characters per '@' (RFC 5321 §4.5.3.1 limits). The local part is a dot-atom of
/// letters, digits and <c>._%+-'</c>; the domain has at least two labels and an alphabetic
/// top-level label of two or more letters. Score 1.0 (Presidio scores a TLD-validated address 1.0).
/// </summary>
internal sealed class EmailRecognizer : IPiiRecognizer
{
    private const int MaxLocal = 64;
    private const int MaxDomain = 255;

    public IReadOnlyCollection<string> SupportedEntities { get; } = [PiiEntityTypes.EmailAddress];

    public void Analyze(string text, ICollection<PiiEntity> results)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        while (at >= 0)
        {
            var next = TryMatch(text, at, results);
            at = text.IndexOf('@', Math.Max(at + 1, next));
        }
    }

    private static bool IsLocal(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '%' or '+' or '-' or '\'' || (c > 127 && char.IsLetterOrDigit(c));

    private static bool IsDomain(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' || (c > 127 && char.IsLetterOrDigit(c));

    private static int TryMatch(string text, int at, ICollection<PiiEntity> results)
    {
        var start = at;
        while (start > 0 && at - start < MaxLocal && IsLocal(text[start - 1]))
        {
            start--;
        }

        while (start < at && text[start] is '.' or '\'' or '-')
        {
            start++;
        }

        if (start == at)
        {
            return at + 1;
        }

        var end = at + 1;
        while (end < text.Length && end - at <= MaxDomain && IsDomain(text[end]))
        {
            end++;
        }

        while (end > at + 1 && text[end - 1] is '.' or '-')
        {
            end--;
        }

        var domain = text.AsSpan(at + 1, end - at - 1);
        var lastDot = domain.LastIndexOf('.');
        if (lastDot <= 0 || domain.Length - lastDot - 1 < 2 || domain.Contains("..", StringComparison.Ordinal) || domain[0] is '.' or '-')
        {
            return end;
        }

        foreach (var c in domain[(lastDot + 1)..])
        {
            if (!char.IsLetter(c))
            {
                return end;
            }
        }

        results.Add(new PiiEntity(PiiEntityTypes.EmailAddress, start, end, 1.0));
        return end;
    }
}
