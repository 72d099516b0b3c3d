namespace SafeOpenAI;

/// <summary>Counts tokens the way a model family's tokenizer does. Implementations are thread-safe.</summary>
public interface ITokenCounter
{
    /// <summary>Counts the tokens of a text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="model">The model whose tokenizer applies, for example <c>gpt-4o</c>.</param>
    /// <returns>The count, in tokens.</returns>
    int CountTokens(string text, string model);

    /// <summary>Counts the prompt tokens of a conversation as the chat API bills them, including per-message overhead and images.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="model">The model whose tokenizer applies.</param>
    /// <returns>The count, in tokens.</returns>
    int CountPromptTokens(IReadOnlyList<SafetyMessage> messages, string model);

    /// <summary>
    /// Returns a cheap upper bound of <see cref="CountPromptTokens"/>: never less than the exact
    /// count, computed without running the tokenizer. Budgets reserve with it and count exactly
    /// only when the bound would be denied.
    /// </summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="model">The model whose tokenizer applies.</param>
    /// <returns>An upper bound, in tokens.</returns>
    int CountPromptTokensUpperBound(IReadOnlyList<SafetyMessage> messages, string model);
}
