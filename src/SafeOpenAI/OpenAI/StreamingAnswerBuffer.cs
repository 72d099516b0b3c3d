using System.Text;
using OpenAI.Chat;

namespace SafeOpenAI;

/// <summary>
/// Collects a streamed answer whole, so that output stages check it before any chunk reaches the
/// caller, and keeps the SDK's updates to replay them unchanged when the answer passes.
/// </summary>
internal sealed class StreamingAnswerBuffer
{
    private readonly List<StreamingChatCompletionUpdate> _updates = [];
    private readonly StringBuilder _text = new();
    private readonly StringBuilder _refusal = new();
    private readonly SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)> _toolCalls = [];
    private ChatTokenUsage? _usage;
    private ChatFinishReason? _finishReason;

    public IReadOnlyList<StreamingChatCompletionUpdate> Updates => _updates;

    public void Add(StreamingChatCompletionUpdate update)
    {
        _updates.Add(update);
        foreach (var part in update.ContentUpdate)
        {
            if (part.Kind == ChatMessageContentPartKind.Text)
            {
                _text.Append(part.Text);
            }
        }

        if (update.RefusalUpdate is { } refusal)
        {
            _refusal.Append(refusal);
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
    }

    public SafetyResponse ToSafetyResponse() =>
        new(
            [MessagePart.FromText(_text.ToString())],
            OpenAIChatAdapter.ToTokenUsage(_usage),
            _finishReason is { } reason ? OpenAIChatAdapter.FinishReasonName(reason) : null,
            _toolCalls.Values.Select(c => new ToolCallInfo(c.Id ?? string.Empty, c.Name ?? string.Empty, c.Arguments.ToString())).ToArray(),
            _refusal.Length > 0 ? _refusal.ToString() : null,
            this);

    /// <summary>Returns what the caller receives: the SDK's own updates, or one update carrying the rewritten text.</summary>
    public IReadOnlyList<StreamingChatCompletionUpdate> UpdatesFor(SafetyResponse approved)
    {
        if (!approved.IsRewritten)
        {
            return _updates;
        }

        var first = _updates.Count > 0 ? _updates[0] : null;
        return
        [
            OpenAIChatModelFactory.StreamingChatCompletionUpdate(
                completionId: first?.CompletionId,
                contentUpdate: new ChatMessageContent(approved.Text),
                role: ChatMessageRole.Assistant,
                finishReason: _finishReason,
                createdAt: first?.CreatedAt ?? default,
                model: first?.Model,
                usage: _usage),
        ];
    }
}
