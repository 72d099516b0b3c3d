namespace SafeOpenAI;

/// <summary>
/// The list price of one model in USD per one million tokens, as OpenAI publishes it on its API
/// pricing page. Configurable per model under <c>SafeOpenAI:Pricing:&lt;model&gt;</c>.
/// </summary>
public sealed class ModelPrice
{
    /// <summary>Gets or sets the price of one million input tokens, in USD.</summary>
    public decimal InputPerMillion { get; set; }

    /// <summary>Gets or sets the price of one million cached input tokens, in USD; <see langword="null"/> means the input price.</summary>
    public decimal? CachedInputPerMillion { get; set; }

    /// <summary>Gets or sets the price of one million output tokens (reasoning tokens included), in USD.</summary>
    public decimal OutputPerMillion { get; set; }

    /// <summary>Computes the cost of a usage at this price.</summary>
    /// <param name="usage">The billed tokens.</param>
    /// <returns>The cost in USD.</returns>
    public decimal CostOf(TokenUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var cached = Math.Min(usage.CachedInputTokens, usage.InputTokens);
        var uncached = usage.InputTokens - cached;
        return ((uncached * InputPerMillion)
            + (cached * (CachedInputPerMillion ?? InputPerMillion))
            + (usage.OutputTokens * OutputPerMillion)) / 1_000_000m;
    }
}
