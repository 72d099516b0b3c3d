namespace SafeOpenAI;

/// <summary>
/// The top moderation category of one moderation check of a call, as recorded in
/// <see cref="AuditRecord.ModerationScores"/>: for a flagged verdict the highest-scoring flagged
/// category (evidence <c>top_category</c>/<c>top_score</c>), for a grey-zone review the highest
/// score of all categories (also <c>top_category</c>/<c>top_score</c>; not flagged), for an allowed
/// one the highest score of all categories (evidence <c>max_category</c>/<c>max_score</c>). Category names are OpenAI's
/// moderation API names (https://platform.openai.com/docs/guides/moderation). Immutable and thread-safe.
/// </summary>
/// <param name="Phase"><see cref="SafetyPhase.InputModeration"/> or <see cref="SafetyPhase.OutputModeration"/>.</param>
/// <param name="Category">The category name, for example <c>violence</c>.</param>
/// <param name="Score">The category score the moderation API returned, 0 to 1 (rounded to 4 decimals).</param>
/// <param name="Flagged">Whether the verdict blocked the call.</param>
public sealed record AuditModerationScore(SafetyPhase Phase, string Category, double Score, bool Flagged);
