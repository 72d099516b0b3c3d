namespace SafeOpenAI;

/// <summary>How a call through <see cref="SafeChatClient.CompleteAsync(SafeChatRequest, CancellationToken)"/> ended.</summary>
public enum SafeChatStatus
{
    /// <summary>The answer passed every stage and is in <see cref="SafeChatResult.Completion"/>.</summary>
    Completed = 0,

    /// <summary>A stage blocked the call; <see cref="SafeChatResult.DecisiveVerdict"/> says which and why.</summary>
    Blocked = 1,

    /// <summary>The answer is held for a human reviewer; it is not returned until approved.</summary>
    PendingReview = 2,
}
