namespace SafeOpenAI.Cli.Evaluation.Pii;

/// <summary>The result of a PII evaluation: per entity type, micro averages over all and over the supported types, and the mean time per row.</summary>
internal sealed record PiiEvaluationReport(
    IReadOnlyDictionary<string, PiiEntityScore> ByEntity,
    PiiEntityScore Micro,
    PiiEntityScore MicroSupported,
    IReadOnlyList<string> SupportedEntities,
    double MeanMicrosecondsPerItem);
