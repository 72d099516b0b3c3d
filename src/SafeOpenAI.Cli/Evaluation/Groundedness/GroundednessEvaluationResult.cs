using SafeOpenAI.Cli.Evaluation.Injection;

namespace SafeOpenAI.Cli.Evaluation.Groundedness;

/// <summary>The detector's counts overall and per source, and the length-only baseline at its best threshold.</summary>
internal sealed record GroundednessEvaluationResult(
    InjectionCounts Overall,
    SortedDictionary<string, InjectionCounts> BySource,
    InjectionCounts LengthBaseline,
    int LengthThresholdCharacters);
