namespace SafeOpenAI;

/// <summary>What a budget counts.</summary>
public enum BudgetMetric
{
    /// <summary>Billed tokens: input (cached included) plus output (reasoning included).</summary>
    Tokens,

    /// <summary>Model requests that were billed; every re-ask is a request of its own.</summary>
    Requests,

    /// <summary>Cost in USD at the prices of the <see cref="ModelPriceTable"/>.</summary>
    CostUsd,
}
