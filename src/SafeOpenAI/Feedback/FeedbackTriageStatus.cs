namespace SafeOpenAI;

/// <summary>Where a feedback report stands with reviewers. Stored as its number: values never change.</summary>
public enum FeedbackTriageStatus
{
    /// <summary>Not triaged yet.</summary>
    Open = 0,

    /// <summary>A reviewer confirmed the problem.</summary>
    Confirmed = 1,

    /// <summary>A reviewer found nothing wrong.</summary>
    Dismissed = 2,
}
