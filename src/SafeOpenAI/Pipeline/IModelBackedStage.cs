namespace SafeOpenAI;

/// <summary>
/// Implemented by an <see cref="IInputGuard"/> or <see cref="IOutputValidator"/> that calls a model of
/// its own (a judge, such as the off-topic check's), so that the pipeline can budget that call like
/// the main one: before the stage runs, the pipeline reserves <see cref="StageModelCall"/>'s upper
/// bound against the caller's budget (a denied reservation blocks the call with a <c>budget.*</c>
/// verdict and the judge is never asked); after it, the pipeline settles what the stage reported in
/// <see cref="InputGuardResult.ModelUsage"/> or <see cref="OutputValidationResult.ModelUsage"/>,
/// prices it with the model's price, adds it to the call's cost and reports it in
/// <see cref="SafetyPipelineResult.StageModelUsages"/> and the gen_ai token metric.
/// </summary>
/// <remarks>
/// A stage that made a plan but reports no usage (it threw, or it cannot tell) is charged the whole
/// planned upper bound: a judge's tokens are never counted as free. Implementations are thread-safe.
/// </remarks>
public interface IModelBackedStage
{
    /// <summary>Describes the model call the stage is about to make for this request, or <see langword="null"/> when it will make none.</summary>
    /// <param name="request">The request as the earlier stages left it.</param>
    /// <param name="response">The answer under validation for an output validator; <see langword="null"/> for an input guard.</param>
    /// <returns>The model, the prompt it will send and its output cap; or <see langword="null"/>.</returns>
    StageModelCall? PlanModelCall(SafetyRequest request, SafetyResponse? response);
}
