using OpenAI.Chat;

namespace SafeOpenAI;

/// <summary>
/// The outcome of <see cref="SafeChatClient.CompleteAsync(SafeChatRequest, CancellationToken)"/>. Immutable.
/// <see cref="SafeChatResult{T}"/> adds the deserialised answer of a structured-output call; no other type derives from it.
/// </summary>
public class SafeChatResult
{
    internal SafeChatResult(SafetyPipelineResult outcome, ChatCompletion? completion)
    {
        Status = outcome.Status;
        Completion = completion;
        Verdicts = outcome.Verdicts;
        DecisiveVerdict = outcome.DecisiveVerdict;
        Usage = outcome.Usage;
        CostUsd = outcome.CostUsd;
        StageModelUsages = outcome.StageModelUsages;
        AuditId = outcome.AuditId;
        ReviewId = outcome.ReviewId;
        SafetyIdentifier = outcome.Request.SafetyIdentifier;
    }

    private protected SafeChatResult(SafeChatResult other)
    {
        Status = other.Status;
        Completion = other.Completion;
        Verdicts = other.Verdicts;
        DecisiveVerdict = other.DecisiveVerdict;
        Usage = other.Usage;
        CostUsd = other.CostUsd;
        StageModelUsages = other.StageModelUsages;
        AuditId = other.AuditId;
        ReviewId = other.ReviewId;
        SafetyIdentifier = other.SafetyIdentifier;
    }

    /// <summary>Gets how the call ended.</summary>
    public SafeChatStatus Status { get; }

    /// <summary>Gets the answer when <see cref="Status"/> is <see cref="SafeChatStatus.Completed"/>; otherwise <see langword="null"/>.</summary>
    public ChatCompletion? Completion { get; }

    /// <summary>Gets every verdict of the call, in order: the single source for what happened.</summary>
    public IReadOnlyList<SafetyVerdict> Verdicts { get; }

    /// <summary>Gets the verdict that blocked the call or held it for review, or <see langword="null"/>.</summary>
    public SafetyVerdict? DecisiveVerdict { get; }

    /// <summary>Gets the billed tokens, or <see langword="null"/> when the model was not reached.</summary>
    public TokenUsage? Usage { get; }

    /// <summary>
    /// Gets the cost in USD at list price of the answer and of the stages' own model calls (judges),
    /// or <see langword="null"/> when no model was reached or none has a known price.
    /// </summary>
    public decimal? CostUsd { get; }

    /// <summary>Gets what the stages' own model calls (judges such as the off-topic check's) billed; empty when none called a model. Their tokens are not in <see cref="Usage"/>.</summary>
    public IReadOnlyList<StageModelUsage> StageModelUsages { get; }

    /// <summary>Gets the id of the call's audit record, which user feedback reports refer to.</summary>
    public string AuditId { get; }

    /// <summary>
    /// Gets the id of the human review that holds the answer when <see cref="Status"/> is
    /// <see cref="SafeChatStatus.PendingReview"/>; otherwise <see langword="null"/>. Await the decision with
    /// <see cref="IHumanReviewQueue.WaitForDecisionAsync"/> or poll it with <see cref="IHumanReviewQueue.GetDecisionAsync"/>.
    /// </summary>
    public string? ReviewId { get; }

    /// <summary>Gets the hashed end-user id sent as <c>safety_identifier</c>, or <see langword="null"/> for anonymous calls.</summary>
    public string? SafetyIdentifier { get; }
}
