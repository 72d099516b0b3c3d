namespace SafeOpenAI.Cli.Evaluation.Pii;

/// <summary>One row of a PII evaluation file: a text and its labelled spans.</summary>
internal sealed record PiiEvaluationRow(string Text, IReadOnlyList<PiiGoldSpan> Spans);
