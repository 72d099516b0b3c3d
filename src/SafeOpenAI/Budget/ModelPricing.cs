using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SafeOpenAI;

/// <summary>
/// Prices calls for the pipeline: the <see cref="ModelPriceTable"/> price of the model, or, for a
/// model without one, the fallback price or a block (<see cref="BudgetOptions.UnknownModel"/>).
/// An unknown model is never priced at a silent zero: it is warned about once per model in the log
/// and marked on every call by a verdict. Thread-safe.
/// </summary>
internal sealed partial class ModelPricing
{
    private readonly ModelPriceTable _table;
    private readonly UnknownModelPolicy _policy;
    private readonly string _fallbackModel;
    private readonly ModelPrice? _fallbackPrice;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, byte> _warned = new(StringComparer.OrdinalIgnoreCase);

    public ModelPricing(ModelPriceTable table, BudgetOptions options, ILogger logger)
    {
        _table = table;
        _policy = options.UnknownModel;
        _fallbackModel = options.FallbackPriceModel;
        _table.TryGetPrice(_fallbackModel, out _fallbackPrice);
        _logger = logger;
    }

    /// <summary>Prices a model: its own price, the fallback price (with an Allow verdict to record), or none (with the Block verdict to end the call).</summary>
    public ModelPriceResolution Resolve(string model, string stage)
    {
        if (_table.TryGetPrice(model, out var price))
        {
            return new ModelPriceResolution(price, null);
        }

        var evidence = new Dictionary<string, string>(2, StringComparer.Ordinal) { ["model"] = model };
        if (_policy == UnknownModelPolicy.UseFallbackPrice && _fallbackPrice is not null)
        {
            if (_warned.TryAdd(model, 0))
            {
                LogFallback(_logger, model, _fallbackModel);
            }

            evidence["fallback_model"] = _fallbackModel;
            return new ModelPriceResolution(_fallbackPrice, new SafetyVerdict(stage, SafetyAction.Allow, BudgetCodes.FallbackPrice, evidence: evidence));
        }

        if (_warned.TryAdd(model, 0))
        {
            LogBlocked(_logger, model);
        }

        return new ModelPriceResolution(null, SafetyVerdict.Block(
            stage,
            BudgetCodes.UnpricedModel,
            "This model cannot be priced, so the request was not sent.",
            evidence));
    }

    [LoggerMessage(EventId = 3103, EventName = "UnknownModelFallbackPrice", Level = LogLevel.Warning,
        Message = "Model {Model} has no price in the price table; its calls are charged at the price of {FallbackModel}. Add it under SafeOpenAI:Pricing.")]
    private static partial void LogFallback(ILogger logger, string model, string fallbackModel);

    [LoggerMessage(EventId = 3104, EventName = "UnknownModelBlocked", Level = LogLevel.Warning,
        Message = "Model {Model} has no price in the price table and SafeOpenAI:Budget:UnknownModel is Block; its calls are blocked. Add it under SafeOpenAI:Pricing.")]
    private static partial void LogBlocked(ILogger logger, string model);
}

/// <summary>The price of a call's model: <see cref="Price"/> when it can be priced, and the verdict to record (fallback Allow, or Block) when it has no price of its own.</summary>
internal readonly record struct ModelPriceResolution(ModelPrice? Price, SafetyVerdict? Verdict);
