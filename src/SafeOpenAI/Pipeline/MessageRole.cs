namespace SafeOpenAI;

/// <summary>The author of a message in the neutral view of a conversation.</summary>
public enum MessageRole
{
    /// <summary>The application's system prompt.</summary>
    System = 0,

    /// <summary>The application's developer instructions (OpenAI's <c>developer</c> role).</summary>
    Developer = 1,

    /// <summary>The end user: the text and images that user-facing guards and moderation inspect.</summary>
    User = 2,

    /// <summary>The model's earlier answers.</summary>
    Assistant = 3,

    /// <summary>A tool or function result: untrusted content the application passes to the model.</summary>
    Tool = 4,
}
