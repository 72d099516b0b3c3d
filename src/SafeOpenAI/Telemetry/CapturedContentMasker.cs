using System.Text;

namespace SafeOpenAI;

/// <summary>
/// Masks what must never reach a telemetry backend in message content the application opted to
/// capture: the call's canary token (a secret of the system prompt, see
/// <see cref="CanaryTokenGuard"/>), secrets (<see cref="SecretDetector"/>) and PII
/// (<see cref="PiiAnalyzer"/>, which also finds the user's own PII that PII restore put back into
/// the answer). Each span becomes <c>&lt;TYPE&gt;</c>, as in Presidio's replace operator; the
/// canary becomes <c>&lt;CANARY_TOKEN&gt;</c>. Runs only when content capture is on.
/// Thread-safe: an instance is used by one call.
/// </summary>
internal sealed class CapturedContentMasker
{
    private const string CanaryPlaceholder = "<CANARY_TOKEN>";
    private readonly string? _canary;

    public CapturedContentMasker(string? canary)
    {
        _canary = string.IsNullOrEmpty(canary) ? null : canary;
    }

    /// <summary>Returns <paramref name="text"/> with the canary, secrets and PII masked.</summary>
    /// <param name="text">Captured text; <see langword="null"/> stays <see langword="null"/>.</param>
    public string? Mask(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        if (_canary is not null)
        {
            text = text.Replace(_canary, CanaryPlaceholder, StringComparison.OrdinalIgnoreCase);
        }

        var spans = new List<(int Start, int End, string Type)>();
        foreach (var secret in SecretDetector.Default.Detect(text))
        {
            spans.Add((secret.Start, secret.End, secret.Kind));
        }

        foreach (var entity in PiiAnalyzer.Default.Analyze(text))
        {
            spans.Add((entity.Start, entity.End, entity.EntityType));
        }

        if (spans.Count == 0)
        {
            return text;
        }

        spans.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.End.CompareTo(a.End));
        var masked = new StringBuilder(text.Length);
        var at = 0;
        foreach (var (start, end, type) in spans)
        {
            if (start < at)
            {
                // Overlaps a span already masked: extend over its tail only.
                at = Math.Max(at, end);
                continue;
            }

            masked.Append(text, at, start - at).Append('<').Append(type).Append('>');
            at = end;
        }

        return masked.Append(text, at, text.Length - at).ToString();
    }
}
