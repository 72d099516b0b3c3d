namespace SafeOpenAI;

/// <summary>The outcome of one <see cref="SafetyPipeline.RunAsync"/> call, in the neutral view. Immutable.</summary>
public sealed class SafetyPipelineResult
{
    internal SafetyPipelineResult(
        SafeChatStatus status,
        SafetyRequest request,
        SafetyResponse? response,
        IReadOnlyList<SafetyVerdict> verdicts,
        SafetyVerdict? decisiveVerdict,
        TokenUsage? usage,
        decimal? costUsd,
        string? reviewId = null)
    {
        ReviewId = reviewId;
        Status = status;
        Request = request;
        Response = response;
        Verdicts = verdicts;
        DecisiveVerdict = decisiveVerdict;
        Usage = usage;
        CostUsd = costUsd;
    }

    /// <summary>Gets how the call ended.</summary>
    public SafeChatStatus Status { get; }

    /// <summary>Gets the request as it was sent to the model (after identity, hardening and input rewrites).</summary>
    public SafetyRequest Request { get; }

    /// <summary>Gets the answer after output rewrites; <see langword="null"/> when the call was blocked or held.</summary>
    public SafetyResponse? Response { get; }

    /// <summary>Gets every verdict of the call, in order.</summary>
    public IReadOnlyList<SafetyVerdict> Verdicts { get; }

    /// <summary>Gets the verdict that blocked the call or held it for review, or <see langword="null"/> when it completed.</summary>
    public SafetyVerdict? DecisiveVerdict { get; }

    /// <summary>Gets the billed tokens, or <see langword="null"/> when the model was not reached.</summary>
    public TokenUsage? Usage { get; }

    /// <summary>
    /// Gets the cost in USD of the model's answer and of the stages' own model calls
    /// (<see cref="StageModelUsages"/>), or <see langword="null"/> when no model was reached or none has a known price.
    /// </summary>
    public decimal? CostUsd { get; }

    /// <summary>
    /// Gets what the stages' own model calls (judges, see <see cref="IModelBackedStage"/>) billed, in the
    /// order they were reserved; empty when no stage called a model. Their tokens are not in <see cref="Usage"/>,
    /// which is the main model's alone; their cost is in <see cref="CostUsd"/>.
    /// </summary>
    public IReadOnlyList<StageModelUsage> StageModelUsages { get; internal init; } = [];

    /// <summary>Gets the id of the human review that holds the answer when <see cref="Status"/> is <see cref="SafeChatStatus.PendingReview"/>; otherwise <see langword="null"/>.</summary>
    public string? ReviewId { get; }

    /// <summary>Gets the id of the call's audit record.</summary>
    public string AuditId => Request.AuditId;
}
