namespace SafeOpenAI;

/// <summary>What a moderation check does when the classifier fails or times out.</summary>
public enum ModerationFailurePolicy
{
    /// <summary>Block the call with code <c>moderation.unavailable</c> (the default: nothing unmoderated gets through).</summary>
    FailClosed = 0,

    /// <summary>Let the call through, recording an Allow verdict with code <c>moderation.failed_open</c>.</summary>
    FailOpen = 1,
}
