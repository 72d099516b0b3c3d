namespace SafeOpenAI.Cli.Evaluation.Groundedness;

/// <summary>One labelled row: the context (one source), the answer, the question if any, and whether the answer is unsupported.</summary>
internal sealed record GroundednessRow(string Context, string Answer, string? Question, bool Unsupported, string Source);
