using System.Collections.Frozen;

namespace SafeOpenAI;

/// <summary>
/// List prices of OpenAI chat models in USD per one million tokens (input, cached input, output),
/// with configured overrides, looked up by model name or dated snapshot name.
/// </summary>
/// <remarks>
/// <para>
/// The built-in figures are OpenAI's standard-tier list prices from its API pricing page
/// (https://openai.com/api/pricing, https://platform.openai.com/docs/pricing) as of
/// <see cref="PricesAsOf"/>. Prices change: configure overrides (<c>SafeOpenAI:Pricing</c>) for
/// the models you use rather than relying on the built-in table. Built in: gpt-4o, gpt-4o-mini,
/// gpt-4.1, gpt-4.1-mini, gpt-4.1-nano, o3, o4-mini, gpt-5, gpt-5-mini, gpt-5-nano and gpt-5.1.
/// </para>
/// <para>
/// Lookup: the exact name (case-insensitive), else the longest known name that the model name
/// starts with followed by <c>-</c>: <c>gpt-4o-mini-2024-07-18</c> → <c>gpt-4o-mini</c>, and
/// <c>gpt-4o-mini</c> never matches <c>gpt-4o</c> because it is known itself. Fine-tuned names
/// (<c>ft:...</c>) are not matched: their prices differ. Overrides replace built-in entries of
/// the same name.
/// </para>
/// <para>Immutable and thread-safe; every lookup returns a fresh <see cref="ModelPrice"/> copy.</para>
/// </remarks>
public sealed class ModelPriceTable
{
    /// <summary>The month the built-in prices were last checked against OpenAI's API pricing page: <c>2025-11</c> (gpt-5.1 was added at its launch price).</summary>
    public const string PricesAsOf = "2025-11";

    private static readonly FrozenDictionary<string, ModelPrice> s_builtIn = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase)
    {
        ["gpt-4o"] = Price(2.50m, 1.25m, 10.00m),
        ["gpt-4o-mini"] = Price(0.15m, 0.075m, 0.60m),
        ["gpt-4.1"] = Price(2.00m, 0.50m, 8.00m),
        ["gpt-4.1-mini"] = Price(0.40m, 0.10m, 1.60m),
        ["gpt-4.1-nano"] = Price(0.10m, 0.025m, 0.40m),
        ["o3"] = Price(2.00m, 0.50m, 8.00m),
        ["o4-mini"] = Price(1.10m, 0.275m, 4.40m),
        ["gpt-5"] = Price(1.25m, 0.125m, 10.00m),
        ["gpt-5-mini"] = Price(0.25m, 0.025m, 2.00m),
        ["gpt-5-nano"] = Price(0.05m, 0.005m, 0.40m),
        ["gpt-5.1"] = Price(1.25m, 0.125m, 10.00m),
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, ModelPrice> _prices;

    /// <summary>Creates a table of the built-in prices, with overrides.</summary>
    /// <param name="overrides">Prices by model name that replace or extend the built-in ones; copied, so later changes to the instances have no effect. <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException">An override has a null or blank name, is null, or has a negative price.</exception>
    public ModelPriceTable(IReadOnlyDictionary<string, ModelPrice>? overrides = null)
    {
        if (overrides is null || overrides.Count == 0)
        {
            _prices = s_builtIn;
            return;
        }

        var merged = new Dictionary<string, ModelPrice>(s_builtIn, StringComparer.OrdinalIgnoreCase);
        foreach (var (model, price) in overrides)
        {
            if (string.IsNullOrWhiteSpace(model))
            {
                throw new ArgumentException("A price override needs a model name.", nameof(overrides));
            }

            if (price is null || price.InputPerMillion < 0 || price.OutputPerMillion < 0 || price.CachedInputPerMillion < 0)
            {
                throw new ArgumentException($"The price override of '{model}' is missing or negative.", nameof(overrides));
            }

            merged[model.Trim()] = Copy(price);
        }

        _prices = merged.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Gets a table of the built-in prices only.</summary>
    public static ModelPriceTable Default { get; } = new();

    /// <summary>Gets the model names the table knows (built-in and overrides).</summary>
    public IReadOnlyCollection<string> Models => _prices.Keys;

    /// <summary>Finds the price of a model (see the remarks of <see cref="ModelPriceTable"/> for the matching rule).</summary>
    /// <param name="model">The model name, for example <c>gpt-4o-mini-2024-07-18</c>.</param>
    /// <param name="price">A copy of the price, in USD per one million tokens; <see langword="null"/> when unknown.</param>
    /// <returns><see langword="true"/> when the model has a price.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    public bool TryGetPrice(string model, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ModelPrice? price)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (TryFind(model.AsSpan().Trim(), out var found))
        {
            price = Copy(found);
            return true;
        }

        price = null;
        return false;
    }

    /// <summary>Computes the list-price cost of a usage.</summary>
    /// <param name="model">The model name.</param>
    /// <param name="usage">The billed tokens.</param>
    /// <returns>The cost in USD, or <see langword="null"/> when the model has no price.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public decimal? EstimateCost(string model, TokenUsage usage)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(usage);
        return TryFind(model.AsSpan().Trim(), out var price) ? price.CostOf(usage) : null;
    }

    private static ModelPrice Price(decimal input, decimal cachedInput, decimal output) =>
        new() { InputPerMillion = input, CachedInputPerMillion = cachedInput, OutputPerMillion = output };

    private static ModelPrice Copy(ModelPrice price) =>
        new() { InputPerMillion = price.InputPerMillion, CachedInputPerMillion = price.CachedInputPerMillion, OutputPerMillion = price.OutputPerMillion };

    private bool TryFind(ReadOnlySpan<char> model, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ModelPrice? price)
    {
        // Exact name first, then cut at each '-' from the right: the first hit is the longest
        // known prefix that is followed by '-' in the model name.
        var candidate = model;
        while (true)
        {
            if (Lookup(candidate, out price))
            {
                return true;
            }

            var dash = candidate.LastIndexOf('-');
            if (dash <= 0)
            {
                price = null;
                return false;
            }

            candidate = candidate[..dash];
        }
    }

    private bool Lookup(ReadOnlySpan<char> name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ModelPrice? price)
    {
#if NET9_0_OR_GREATER
        return _prices.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out price);
#else
        return _prices.TryGetValue(name.ToString(), out price);
#endif
    }
}
