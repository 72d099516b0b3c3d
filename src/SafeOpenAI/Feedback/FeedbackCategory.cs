namespace SafeOpenAI;

/// <summary>What an end user says is wrong with an answer. Stored as its number: values never change.</summary>
public enum FeedbackCategory
{
    /// <summary>The answer is harmful: unsafe, hateful, violent, sexual, self-harm.</summary>
    Harmful = 0,

    /// <summary>The answer is wrong or made up.</summary>
    Wrong = 1,

    /// <summary>The answer exposes personal data.</summary>
    Privacy = 2,

    /// <summary>The answer is off topic for the application.</summary>
    OffTopic = 3,

    /// <summary>Anything else; the comment says what.</summary>
    Other = 4,
}
