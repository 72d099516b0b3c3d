namespace SafeOpenAI;

/// <summary>What happens to a call whose model has no price in the <see cref="ModelPriceTable"/>.</summary>
public enum UnknownModelPolicy
{
    /// <summary>Price it with the price of <see cref="BudgetOptions.FallbackPriceModel"/>, log a warning once per model, and add a <see cref="BudgetCodes.FallbackPrice"/> verdict to every such call.</summary>
    UseFallbackPrice,

    /// <summary>Block it before anything is sent, with the verdict <see cref="BudgetCodes.UnpricedModel"/>, and log a warning once per model.</summary>
    Block,
}
