namespace SafeOpenAI;

/// <summary>
/// What one stage's own model call (a judge) billed, as the pipeline settled it: listed in
/// <see cref="SafetyPipelineResult.StageModelUsages"/>, included in the call's
/// <see cref="SafetyPipelineResult.CostUsd"/> and in the audit record's cost. Immutable.
/// </summary>
/// <param name="Stage">The <c>Name</c> of the stage that made the call.</param>
/// <param name="Model">The model the stage called.</param>
/// <param name="Usage">The tokens billed; the planned upper bound when the stage could not report them (<paramref name="Estimated"/>).</param>
/// <param name="CostUsd">The cost in USD at the model's price, or <see langword="null"/> when the model has no price and the pipeline's unknown-model policy lets it through.</param>
/// <param name="Estimated"><see langword="true"/> when the stage reported no usage and the planned upper bound was charged.</param>
public sealed record StageModelUsage(string Stage, string Model, TokenUsage Usage, decimal? CostUsd, bool Estimated = false);
