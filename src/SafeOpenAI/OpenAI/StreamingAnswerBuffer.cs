using System.Text;
using OpenAI.Chat;

namespace SafeOpenAI;

/// <summary>
/// Assembles the whole answer from the SDK's streaming updates (text, refusal, tool calls, usage,
/// finish reason), for the closing <see cref="SafetyStreamChunk.Completed"/> report, and maps
/// updates to and from the neutral stream chunks.
/// </summary>
internal sealed class StreamingAnswerBuffer
{
    private readonly StringBuilder _text = new();
    private readonly StringBuilder _refusal = new();
    private readonly SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)> _toolCalls = [];
    private ChatTokenUsage? _usage;
    private ChatFinishReason? _finishReason;

    /// <summary>Adds one update and returns its neutral chunk.</summary>
    public SafetyStreamChunk Add(StreamingChatCompletionUpdate update)
    {
        var text = OpenAIChatAdapter.JoinText(update.ContentUpdate);
        _text.Append(text);
        if (update.RefusalUpdate is { Length: > 0 } refusal)
        {
            _refusal.Append(refusal);
            text += refusal;
        }

        foreach (var call in update.ToolCallUpdates)
        {
            var entry = _toolCalls.TryGetValue(call.Index, out var existing) ? existing : (null, null, new StringBuilder());
            entry.Id ??= call.ToolCallId;
            entry.Name ??= call.FunctionName;
            if (call.FunctionArgumentsUpdate is { } arguments && !arguments.IsEmpty)
            {
                entry.Arguments.Append(arguments.ToString());
            }

            _toolCalls[call.Index] = entry;
        }

        _usage = update.Usage ?? _usage;
        _finishReason = update.FinishReason ?? _finishReason;
        return new SafetyStreamChunk(text, update, update.ToolCallUpdates.Count > 0);
    }

    public SafetyResponse ToSafetyResponse() =>
        new(
            [MessagePart.FromText(_text.ToString())],
            OpenAIChatAdapter.ToTokenUsage(_usage),
            _finishReason is { } reason ? OpenAIChatAdapter.FinishReasonName(reason) : null,
            _toolCalls.Values.Select(c => new ToolCallInfo(c.Id ?? string.Empty, c.Name ?? string.Empty, c.Arguments.ToString())).ToArray(),
            _refusal.Length > 0 ? _refusal.ToString() : null);

    /// <summary>
    /// Returns the updates the caller receives for one release: the SDK's own updates, or, for a
    /// rewritten window, one update with the new text followed by the rest of what the chunks
    /// carried (tool-call deltas, usage, finish reason) without their text.
    /// </summary>
    public static IEnumerable<StreamingChatCompletionUpdate> UpdatesFor(SafetyStreamRelease release)
    {
        if (release.RewrittenText is null)
        {
            foreach (var chunk in release.Chunks)
            {
                yield return (StreamingChatCompletionUpdate)chunk.RawRepresentation!;
            }

            yield break;
        }

        var first = (StreamingChatCompletionUpdate)release.Chunks[0].RawRepresentation!;
        if (release.RewrittenText.Length > 0)
        {
            yield return OpenAIChatModelFactory.StreamingChatCompletionUpdate(
                completionId: first.CompletionId,
                contentUpdate: new ChatMessageContent(release.RewrittenText),
                role: first.Role,
                createdAt: first.CreatedAt,
                model: first.Model,
                systemFingerprint: first.SystemFingerprint);
        }

        foreach (var chunk in release.Chunks)
        {
            var update = (StreamingChatCompletionUpdate)chunk.RawRepresentation!;
            if (update.ToolCallUpdates.Count > 0 || update.Usage is not null || update.FinishReason is not null)
            {
                yield return OpenAIChatModelFactory.StreamingChatCompletionUpdate(
                    completionId: update.CompletionId,
                    toolCallUpdates: update.ToolCallUpdates,
                    finishReason: update.FinishReason,
                    createdAt: update.CreatedAt,
                    model: update.Model,
                    systemFingerprint: update.SystemFingerprint,
                    usage: update.Usage);
            }
        }
    }
}
