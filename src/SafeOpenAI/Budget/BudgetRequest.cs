namespace SafeOpenAI;

/// <summary>What one call asks to reserve. Immutable.</summary>
/// <param name="SubjectKey">Whose budget: the hashed safety identifier, or <c>anonymous</c>. Never a raw user id.</param>
/// <param name="Model">The model the call goes to.</param>
/// <param name="PromptTokens">Prompt tokens as counted before sending, in tokens.</param>
/// <param name="MaxOutputTokens">The call's cap on output tokens, in tokens.</param>
/// <param name="EstimatedCostUsd">The most the call can cost in USD (prompt plus maximum output at list price), or <see langword="null"/> when the model has no known price.</param>
public sealed record BudgetRequest(string SubjectKey, string Model, int PromptTokens, int MaxOutputTokens, decimal? EstimatedCostUsd)
{
    /// <summary>Gets the tokens the call may spend at most: prompt plus maximum output.</summary>
    public int MaxTotalTokens => PromptTokens + MaxOutputTokens;
}
