namespace SafeOpenAI;

/// <summary>What one model request asks to reserve. Immutable.</summary>
/// <param name="Subject">Whose budgets count the call, one key per scope.</param>
/// <param name="Model">The model the call goes to.</param>
/// <param name="PromptTokens">Prompt tokens as counted before sending (an upper bound is allowed), in tokens.</param>
/// <param name="MaxOutputTokens">The call's cap on output tokens, in tokens.</param>
/// <param name="EstimatedCostUsd">The most the call can cost in USD (prompt plus maximum output at list price), or <see langword="null"/> when the price is unknown; a tracker with a USD limit denies such a call (<see cref="BudgetCodes.CostUnknown"/>).</param>
public sealed record BudgetRequest(BudgetSubject Subject, string Model, int PromptTokens, int MaxOutputTokens, decimal? EstimatedCostUsd)
{
    /// <summary>Gets the tokens the call may spend at most: prompt plus maximum output.</summary>
    public long MaxTotalTokens => (long)PromptTokens + MaxOutputTokens;
}
