namespace SafeOpenAI;

/// <summary>
/// Tokens of one call as the provider billed them (OpenAI's <c>usage</c> object). All counts are
/// in tokens and never negative. Immutable and thread-safe.
/// </summary>
/// <param name="InputTokens">Prompt tokens, including <paramref name="CachedInputTokens"/>.</param>
/// <param name="OutputTokens">Completion tokens, including <paramref name="ReasoningTokens"/>.</param>
/// <param name="CachedInputTokens">Prompt tokens served from the prompt cache (billed at the cached price).</param>
/// <param name="ReasoningTokens">Hidden reasoning tokens of reasoning models (billed as output).</param>
public sealed record TokenUsage(int InputTokens, int OutputTokens, int CachedInputTokens = 0, int ReasoningTokens = 0)
{
    /// <summary>Gets the usage of a call that billed nothing.</summary>
    public static TokenUsage Zero { get; } = new(0, 0);

    /// <summary>Gets input plus output tokens.</summary>
    public int TotalTokens => InputTokens + OutputTokens;

    /// <summary>Adds two usages (for calls that made several model requests, such as re-asks).</summary>
    /// <param name="other">The usage to add.</param>
    /// <returns>The sum.</returns>
    public TokenUsage Add(TokenUsage other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new TokenUsage(
            InputTokens + other.InputTokens,
            OutputTokens + other.OutputTokens,
            CachedInputTokens + other.CachedInputTokens,
            ReasoningTokens + other.ReasoningTokens);
    }
}
