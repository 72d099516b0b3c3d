namespace SafeOpenAI;

/// <summary>Options of the human review queue, bound from <c>SafeOpenAI:Review</c>. Validated when the host starts.</summary>
public sealed class HumanReviewOptions
{
    internal const int MostEscalations = 10;
    internal const int MostNoteCharacters = 100_000;
    internal static readonly TimeSpan MaxDeadline = TimeSpan.FromDays(365);
    internal static readonly TimeSpan MaxClaimTimeout = TimeSpan.FromDays(7);
    internal static readonly TimeSpan MinPollInterval = TimeSpan.FromMilliseconds(10);
    internal static readonly TimeSpan MaxPollInterval = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets how long a held answer may wait for a decision. Default: 24 hours. Positive, at most 365 days.</summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Gets or sets what happens at the deadline. Default: <see cref="ReviewDeadlineAction.Reject"/>.</summary>
    public ReviewDeadlineAction OnDeadline { get; set; } = ReviewDeadlineAction.Reject;

    /// <summary>Gets or sets the new deadline, counted from the old one, of an escalated review. Default: 4 hours. Positive, at most 365 days.</summary>
    public TimeSpan EscalationDeadline { get; set; } = TimeSpan.FromHours(4);

    /// <summary>Gets or sets how many times a review is escalated before the deadline rejects it. Default: 1; 1 to 10.</summary>
    public int MaxEscalations { get; set; } = 1;

    /// <summary>Gets or sets how long a claim keeps other reviewers from deciding. Default: 15 minutes. Positive, at most 7 days.</summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Gets or sets how often <see cref="IHumanReviewQueue.WaitForDecisionAsync"/> reads the store for a decision made by another process. Default: 1 second; 10 milliseconds to 1 minute.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the role whose members may review (<see cref="RoleReviewerAuthorization"/>). Default: <c>safeopenai-reviewer</c>. Required.</summary>
    public string ReviewerRole { get; set; } = "safeopenai-reviewer";

    /// <summary>Gets or sets the longest reviewer note, in characters. Default: 2,000; 1 to 100,000.</summary>
    public int MaxNoteCharacters { get; set; } = 2_000;

    /// <summary>
    /// Gets or sets the key that encrypts review material, released answers, notes and feedback comments
    /// at rest: 32 random bytes, base64-encoded (for example from <c>openssl rand -base64 32</c>).
    /// Required with a durable store (one marked <see cref="IDurableReviewStore"/>, such as SQLite's):
    /// without it <c>UseHumanReview()</c> refuses to create the queue. With the in-memory store, a
    /// random key is drawn per process when it is unset.
    /// </summary>
    public string? MaterialKey { get; set; }
}
