namespace SafeOpenAI;

/// <summary>
/// One budget: the most one <see cref="Scope"/> may spend per <see cref="Window"/>, in tokens,
/// requests and/or USD (an element of <c>SafeOpenAI:Budget:Limits</c>). A <see langword="null"/>
/// amount is not enforced; a limit needs at least one. Several limits may share a scope (for
/// example 50,000 tokens per user per hour and USD 20 per user per month); every one of them must
/// admit a call.
/// </summary>
/// <example>
/// <code>
/// "Limits": [
///   { "Scope": "User", "Window": "Hour", "Tokens": 50000, "Requests": 200 },
///   { "Scope": "User", "Window": "Month", "CostUsd": 20 },
///   { "Scope": "Global", "Window": "Day", "CostUsd": 500 }
/// ]
/// </code>
/// </example>
public sealed class BudgetLimit
{
    /// <summary>Gets or sets whose spending is counted. Default <see cref="BudgetScope.User"/>.</summary>
    public BudgetScope Scope { get; set; } = BudgetScope.User;

    /// <summary>Gets or sets the window the amounts apply to. Default <see cref="BudgetWindow.Hour"/>.</summary>
    public BudgetWindow Window { get; set; } = BudgetWindow.Hour;

    /// <summary>Gets or sets the most tokens (input plus output) per window, or <see langword="null"/> for no token limit. At least 1.</summary>
    public long? Tokens { get; set; }

    /// <summary>Gets or sets the most model requests per window, or <see langword="null"/> for no request limit. At least 1.</summary>
    public long? Requests { get; set; }

    /// <summary>Gets or sets the most cost per window in USD, or <see langword="null"/> for no cost limit. Positive.</summary>
    public decimal? CostUsd { get; set; }

    /// <summary>Gets the amount for one metric.</summary>
    /// <param name="metric">The metric.</param>
    /// <returns>The limit in tokens, requests or USD, or <see langword="null"/> when that metric is not limited.</returns>
    public decimal? AmountOf(BudgetMetric metric) => metric switch
    {
        BudgetMetric.Tokens => Tokens,
        BudgetMetric.Requests => Requests,
        BudgetMetric.CostUsd => CostUsd,
        _ => null,
    };

    /// <summary>Returns the limit's name as verdict codes use it, for example <c>user-hour</c>.</summary>
    /// <returns>The scope and window in lower case, joined by <c>-</c>.</returns>
    public override string ToString() => BudgetCodes.Name(Scope, Window);
}
