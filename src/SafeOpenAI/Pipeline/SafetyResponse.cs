using System.Text;

namespace SafeOpenAI;

/// <summary>
/// The neutral view of one model answer that output stages read. Immutable and thread-safe;
/// a validator that rewrites the answer returns a new instance from <see cref="WithParts"/>.
/// </summary>
public sealed class SafetyResponse
{
    /// <summary>Creates a response view.</summary>
    /// <param name="parts">The answer's content parts (normally one text part).</param>
    /// <param name="usage">Tokens billed for the call, or <see langword="null"/> when the provider did not report them.</param>
    /// <param name="finishReason">Why generation stopped, as the provider names it (<c>stop</c>, <c>length</c>, <c>tool_calls</c>, <c>content_filter</c>), or <see langword="null"/>.</param>
    /// <param name="toolCalls">Function calls the model requested; empty when none.</param>
    /// <param name="refusal">The model's refusal text, or <see langword="null"/>.</param>
    /// <param name="rawRepresentation">The front door's own response object (a completion, or the buffered stream updates).</param>
    /// <exception cref="ArgumentNullException"><paramref name="parts"/> is null.</exception>
    public SafetyResponse(IReadOnlyList<MessagePart> parts, TokenUsage? usage, string? finishReason = null, IReadOnlyList<ToolCallInfo>? toolCalls = null, string? refusal = null, object? rawRepresentation = null)
    {
        ArgumentNullException.ThrowIfNull(parts);
        Parts = parts;
        Usage = usage;
        FinishReason = finishReason;
        ToolCalls = toolCalls ?? [];
        Refusal = refusal;
        RawRepresentation = rawRepresentation;
    }

    /// <summary>Gets the answer's content parts.</summary>
    public IReadOnlyList<MessagePart> Parts { get; }

    /// <summary>Gets the tokens billed for the call, or <see langword="null"/> when not reported.</summary>
    public TokenUsage? Usage { get; }

    /// <summary>Gets why generation stopped, as the provider names it, or <see langword="null"/>.</summary>
    public string? FinishReason { get; }

    /// <summary>Gets the function calls the model requested.</summary>
    public IReadOnlyList<ToolCallInfo> ToolCalls { get; }

    /// <summary>Gets the model's refusal text, or <see langword="null"/>.</summary>
    public string? Refusal { get; }

    /// <summary>Gets the front door's own response object, or <see langword="null"/>.</summary>
    public object? RawRepresentation { get; }

    /// <summary>
    /// Gets the window of a streamed answer this response holds, or <see langword="null"/> when it
    /// holds the whole answer. For a window, <see cref="Parts"/> hold exactly the window's text,
    /// and <see cref="Usage"/>, <see cref="FinishReason"/> and <see cref="ToolCalls"/> are only
    /// known on the final window.
    /// </summary>
    public OutputWindow? Window { get; init; }

    /// <summary>Gets a value indicating whether a validator replaced the parts of the model's answer.</summary>
    public bool IsRewritten { get; private init; }

    /// <summary>Gets the text parts joined with a line feed; empty when there are none.</summary>
    public string Text
    {
        get
        {
            var builder = new StringBuilder();
            foreach (var part in Parts)
            {
                if (part.Kind == MessagePartKind.Text)
                {
                    if (builder.Length > 0)
                    {
                        builder.Append('\n');
                    }

                    builder.Append(part.Text);
                }
            }

            return builder.ToString();
        }
    }

    /// <summary>Returns a copy with other content parts, marked as rewritten.</summary>
    /// <param name="parts">The new parts.</param>
    /// <returns>The rewritten response; the original is unchanged.</returns>
    public SafetyResponse WithParts(IReadOnlyList<MessagePart> parts) =>
        new(parts, Usage, FinishReason, ToolCalls, Refusal, RawRepresentation) { IsRewritten = true, Window = Window };
}
