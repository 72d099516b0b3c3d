namespace SafeOpenAI;

/// <summary>
/// The tokens a stage's own model call billed, as the stage reports them in
/// <see cref="InputGuardResult.ModelUsage"/> or <see cref="OutputValidationResult.ModelUsage"/>
/// (see <see cref="IModelBackedStage"/>). Immutable.
/// </summary>
/// <param name="Model">The model that answered (the endpoint's model name when it reported one).</param>
/// <param name="Usage">The tokens billed, as the endpoint reported them; <see cref="TokenUsage.Zero"/> when the call failed before anything was billed.</param>
public sealed record ModelCallUsage(string Model, TokenUsage Usage);
