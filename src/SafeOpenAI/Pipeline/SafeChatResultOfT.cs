namespace SafeOpenAI;

/// <summary>
/// The outcome of <see cref="SafeChatClient.CompleteAsync{T}(SafeChatRequest, System.Text.Json.JsonSerializerOptions?, CancellationToken)"/>:
/// everything a <see cref="SafeChatResult"/> reports, plus the answer deserialised as
/// <typeparamref name="T"/>. Immutable.
/// </summary>
/// <typeparam name="T">The type the answer was asked for and deserialised into.</typeparam>
/// <remarks>
/// It derives from <see cref="SafeChatResult"/> (as the SDK's <c>ClientResult&lt;T&gt;</c> derives
/// from <c>ClientResult</c>), so code that logs or inspects results handles both.
/// </remarks>
public sealed class SafeChatResult<T> : SafeChatResult
{
    internal SafeChatResult(SafeChatResult result, T? value)
        : base(result)
    {
        Value = value;
    }

    /// <summary>
    /// Gets the answer deserialised as <typeparamref name="T"/> when <see cref="SafeChatResult.Status"/>
    /// is <see cref="SafeChatStatus.Completed"/> (never <see langword="null"/> then: an answer that
    /// passed the schema but cannot be deserialised throws <see cref="StructuredOutputException"/>);
    /// otherwise the default of <typeparamref name="T"/>.
    /// </summary>
    public T? Value { get; }
}
