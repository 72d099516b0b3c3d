namespace SafeOpenAI;

/// <summary>
/// Marks a review store, access log or feedback store (<see cref="IReviewStore"/>,
/// <see cref="IReviewAccessLog"/>, <see cref="IFeedbackStore"/>) whose contents outlive the process
/// or are shared by several processes, such as the SQLite stores of <c>SafeOpenAI.Sqlite</c>. With
/// such a store registered, <c>UseHumanReview()</c> requires <see cref="HumanReviewOptions.MaterialKey"/>:
/// a random per-process key could not decrypt what another process, or this one before a restart, wrote.
/// </summary>
/// <remarks>A marker with no members; implementations keep the thread-safety of the store they mark.</remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1040:Avoid empty interfaces", Justification = "A marker the container checks by type: a durable store declares that review material must be encrypted under a configured key.")]
public interface IDurableReviewStore
{
}
