using System.Text;

namespace SafeOpenAI;

/// <summary>
/// One message of a conversation in the neutral view that every stage reads, whatever the front
/// door (the OpenAI <c>ChatClient</c> or another client). Immutable and thread-safe; guards that
/// rewrite a message return a new one from <see cref="WithParts"/>.
/// </summary>
public sealed class SafetyMessage
{
    /// <summary>Creates a message.</summary>
    /// <param name="role">The author.</param>
    /// <param name="parts">The content parts, in order.</param>
    /// <param name="toolCalls">Function calls an assistant message requested; empty otherwise.</param>
    /// <param name="toolCallId">The call a tool message answers; otherwise <see langword="null"/>.</param>
    /// <param name="rawRepresentation">The front door's own message object, if any.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parts"/> is null.</exception>
    public SafetyMessage(MessageRole role, IReadOnlyList<MessagePart> parts, IReadOnlyList<ToolCallInfo>? toolCalls = null, string? toolCallId = null, object? rawRepresentation = null)
    {
        ArgumentNullException.ThrowIfNull(parts);
        Role = role;
        Parts = parts;
        ToolCalls = toolCalls ?? [];
        ToolCallId = toolCallId;
        RawRepresentation = rawRepresentation;
    }

    /// <summary>Gets the author.</summary>
    public MessageRole Role { get; }

    /// <summary>Gets the content parts, in order.</summary>
    public IReadOnlyList<MessagePart> Parts { get; }

    /// <summary>Gets the function calls an assistant message requested; empty otherwise.</summary>
    public IReadOnlyList<ToolCallInfo> ToolCalls { get; }

    /// <summary>Gets the call a tool message answers; otherwise <see langword="null"/>.</summary>
    public string? ToolCallId { get; }

    /// <summary>Gets the front door's own message object, or <see langword="null"/>.</summary>
    public object? RawRepresentation { get; }

    /// <summary>Gets a value indicating whether a guard replaced the parts of the original message.</summary>
    public bool IsRewritten { get; private init; }

    /// <summary>Gets the text parts joined with a line feed; empty when there are none.</summary>
    public string Text
    {
        get
        {
            if (Parts.Count == 1)
            {
                return Parts[0].Text ?? string.Empty;
            }

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

    /// <summary>Creates a text-only message.</summary>
    /// <param name="role">The author.</param>
    /// <param name="text">The text.</param>
    /// <returns>The message.</returns>
    public static SafetyMessage FromText(MessageRole role, string text) => new(role, [MessagePart.FromText(text)]);

    /// <summary>Returns a copy of this message with other content parts, marked as rewritten.</summary>
    /// <param name="parts">The new parts.</param>
    /// <returns>The rewritten message; the original is unchanged.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="parts"/> is null.</exception>
    public SafetyMessage WithParts(IReadOnlyList<MessagePart> parts) =>
        new(Role, parts, ToolCalls, ToolCallId, RawRepresentation) { IsRewritten = true };
}
