using System.Text;
using Microsoft.Extensions.AI;

namespace SafeOpenAI.Extensions.AI;

/// <summary>
/// Assembles the whole answer from the inner client's streaming updates (text, tool calls, usage,
/// finish reason), for the closing <see cref="SafetyStreamChunk.Completed"/> report, and maps
/// updates to and from the neutral stream chunks.
/// </summary>
internal sealed class StreamingResponseBuffer
{
    private readonly StringBuilder _text = new();
    private readonly List<ToolCallInfo> _toolCalls = [];
    private TokenUsage? _usage;
    private string? _finishReason;

    /// <summary>Adds one update and returns its neutral chunk.</summary>
    public SafetyStreamChunk Add(ChatResponseUpdate update)
    {
        var text = new StringBuilder();
        var hasToolCalls = false;
        foreach (var content in update.Contents)
        {
            switch (content)
            {
                case TextContent t:
                    text.Append(t.Text);
                    break;
                case FunctionCallContent call:
                    // The providers of Microsoft.Extensions.AI stream a tool call as one whole content.
                    _toolCalls.Add(new ToolCallInfo(call.CallId, call.Name, ExtensionsAIChatAdapter.SerializeArguments(call.Arguments)));
                    hasToolCalls = true;
                    break;
                case UsageContent usage:
                    _usage = ExtensionsAIChatAdapter.ToTokenUsage(usage.Details);
                    break;
            }
        }

        _text.Append(text);
        _finishReason = update.FinishReason?.Value ?? _finishReason;
        return new SafetyStreamChunk(text.ToString(), update, hasToolCalls);
    }

    public SafetyResponse ToSafetyResponse() =>
        new([MessagePart.FromText(_text.ToString())], _usage, _finishReason, _toolCalls.ToArray());

    /// <summary>
    /// Returns the updates the caller receives for one release: the inner client's own updates, or,
    /// for a rewritten window, one update with the new text followed by the rest of what the chunks
    /// carried (tool calls, usage, finish reason) without their text.
    /// </summary>
    public static IEnumerable<ChatResponseUpdate> UpdatesFor(SafetyStreamRelease release)
    {
        if (release.RewrittenText is null)
        {
            foreach (var chunk in release.Chunks)
            {
                yield return (ChatResponseUpdate)chunk.RawRepresentation!;
            }

            yield break;
        }

        var first = (ChatResponseUpdate)release.Chunks[0].RawRepresentation!;
        if (release.RewrittenText.Length > 0)
        {
            yield return new ChatResponseUpdate(first.Role ?? ChatRole.Assistant, release.RewrittenText)
            {
                ResponseId = first.ResponseId,
                MessageId = first.MessageId,
                ConversationId = first.ConversationId,
                CreatedAt = first.CreatedAt,
                ModelId = first.ModelId,
            };
        }

        foreach (var chunk in release.Chunks)
        {
            var update = (ChatResponseUpdate)chunk.RawRepresentation!;
            var rest = update.Contents.Where(c => c is not TextContent).ToList();
            if (rest.Count > 0 || update.FinishReason is not null)
            {
                yield return new ChatResponseUpdate(update.Role, rest)
                {
                    ResponseId = update.ResponseId,
                    MessageId = update.MessageId,
                    ConversationId = update.ConversationId,
                    CreatedAt = update.CreatedAt,
                    ModelId = update.ModelId,
                    FinishReason = update.FinishReason,
                    AdditionalProperties = update.AdditionalProperties,
                };
            }
        }
    }
}
