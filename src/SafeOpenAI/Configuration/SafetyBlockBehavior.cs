namespace SafeOpenAI;

/// <summary>What the drop-in <see cref="SafeChatClient"/> methods do when the pipeline blocks a call.</summary>
public enum SafetyBlockBehavior
{
    /// <summary>Throw <see cref="SafetyViolationException"/> carrying the blocking verdict (the default).</summary>
    Throw = 0,

    /// <summary>Return a refusal completion whose finish reason is <c>ContentFilter</c> and whose text is the verdict's user message.</summary>
    ReturnRefusal = 1,
}
