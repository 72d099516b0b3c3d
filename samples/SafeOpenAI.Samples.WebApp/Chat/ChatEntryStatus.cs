namespace SafeOpenAI.Samples.WebApp.Chat;

/// <summary>Where one question of a conversation stands, as the visitor sees it.</summary>
public enum ChatEntryStatus
{
    /// <summary>The answer passed every check and is shown.</summary>
    Answered = 0,

    /// <summary>A check blocked the question or the answer; the verdict's message and code are shown.</summary>
    Blocked = 1,

    /// <summary>The answer is held until a person has checked it.</summary>
    PendingReview = 2,

    /// <summary>A reviewer released the answer, as written or edited.</summary>
    Released = 3,

    /// <summary>A reviewer rejected the answer, or nobody decided in time; it is never shown.</summary>
    Withheld = 4,

    /// <summary>The model could not be reached; nothing was answered.</summary>
    Failed = 5,
}
