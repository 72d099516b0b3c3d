namespace SafeOpenAI.Cli.Evaluation.Pii;

/// <summary>One labelled span of an evaluation row: entity type and UTF-16 offsets, end exclusive.</summary>
internal readonly record struct PiiGoldSpan(string EntityType, int Start, int End);
