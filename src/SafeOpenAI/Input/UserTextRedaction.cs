using System.Globalization;

namespace SafeOpenAI;

/// <summary>
/// The walk that every redacting input guard shares: each text part of every user message (and of
/// tool messages when asked) is handed to the guard's own redaction; a block stops at once; the
/// rewritten messages and one Rewrite verdict with a count per finding type come back.
/// Stateless; one call per request.
/// </summary>
internal static class UserTextRedaction
{
    public static InputGuardResult Apply(
        SafetyRequest request,
        bool includeToolMessages,
        string stage,
        string redactedCode,
        Func<string, RedactionTally, PartRedaction> redactPart,
        CancellationToken cancellationToken)
    {
        SafetyMessage[]? rewritten = null;
        var tally = new RedactionTally();
        for (var m = 0; m < request.Messages.Count; m++)
        {
            var message = request.Messages[m];
            if (message.Role != MessageRole.User && !(includeToolMessages && message.Role == MessageRole.Tool))
            {
                continue;
            }

            MessagePart[]? parts = null;
            for (var p = 0; p < message.Parts.Count; p++)
            {
                var part = message.Parts[p];
                if (part.Kind != MessagePartKind.Text || string.IsNullOrEmpty(part.Text))
                {
                    continue;
                }

                cancellationToken.ThrowIfCancellationRequested();
                var outcome = redactPart(part.Text, tally);
                if (outcome.Block is { } block)
                {
                    return InputGuardResult.FromVerdict(block);
                }

                if (outcome.Text is { } text)
                {
                    parts ??= [.. message.Parts];
                    parts[p] = MessagePart.FromText(text);
                }
            }

            if (parts is not null)
            {
                rewritten ??= [.. request.Messages];
                rewritten[m] = message.WithParts(parts);
            }
        }

        return rewritten is null || tally.Total == 0
            ? InputGuardResult.Allow(stage)
            : InputGuardResult.Rewrite(new SafetyVerdict(stage, SafetyAction.Rewrite, redactedCode, null, tally.ToEvidence()), rewritten);
    }
}

/// <summary>What a guard did with one text part: nothing, a rewrite, or a block.</summary>
internal readonly record struct PartRedaction(string? Text, SafetyVerdict? Block)
{
    public static PartRedaction Unchanged => default;

    public static PartRedaction Rewritten(string text) => new(text, null);

    public static PartRedaction Blocked(SafetyVerdict block) => new(null, block);
}

/// <summary>Counts findings per type for the verdict's evidence (types and counts, never values).</summary>
internal sealed class RedactionTally
{
    private readonly SortedDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public int Total { get; private set; }

    public void Add(string type)
    {
        _counts[type] = _counts.TryGetValue(type, out var n) ? n + 1 : 1;
        Total++;
    }

    public Dictionary<string, string> ToEvidence()
    {
        var evidence = new Dictionary<string, string>(_counts.Count + 1, StringComparer.Ordinal);
        foreach (var (type, count) in _counts)
        {
            evidence[type] = count.ToString(CultureInfo.InvariantCulture);
        }

        evidence["total"] = Total.ToString(CultureInfo.InvariantCulture);
        return evidence;
    }
}
