using System.Text;

namespace SafeOpenAI;

/// <summary>
/// Replaces spans of an answer inside its text parts. Offsets are in the text an output validator
/// scans: the streaming window's context, then the text parts joined by line feeds (as
/// <see cref="SafetyResponse.Text"/> joins them); a span that reaches into the context is cut at
/// the first part, and one that crosses two parts is replaced in each.
/// </summary>
internal static class AnswerSpanRedactor
{
    /// <summary>Returns the parts with every span replaced; parts without a span are the same instances.</summary>
    /// <param name="parts">The answer's parts.</param>
    /// <param name="contextLength">The characters of context before the first part.</param>
    /// <param name="spans">The spans, in increasing order of start and not overlapping, with their replacement.</param>
    public static MessagePart[] Redact(IReadOnlyList<MessagePart> parts, int contextLength, IReadOnlyList<(int Start, int End, string Replacement)> spans)
    {
        var result = new MessagePart[parts.Count];
        var partStart = contextLength;
        var first = true;
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            result[i] = part;
            if (part.Kind != MessagePartKind.Text)
            {
                continue;
            }

            if (!first)
            {
                partStart++; // the line feed that SafetyResponse.Text puts between text parts
            }

            first = false;
            var text = part.Text ?? string.Empty;
            var partEnd = partStart + text.Length;
            StringBuilder? builder = null;
            var copied = 0;
            foreach (var (spanStart, spanEnd, replacement) in spans)
            {
                var start = Math.Max(spanStart, partStart);
                var end = Math.Min(spanEnd, partEnd);
                if (start >= end)
                {
                    continue;
                }

                builder ??= new StringBuilder(text.Length + 32);
                builder.Append(text, copied, start - partStart - copied).Append(replacement);
                copied = end - partStart;
            }

            if (builder is not null)
            {
                builder.Append(text, copied, text.Length - copied);
                result[i] = MessagePart.FromText(builder.ToString());
            }

            partStart = partEnd;
        }

        return result;
    }
}
