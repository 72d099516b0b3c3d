namespace SafeOpenAI;

/// <summary>Which side of the call a moderation check looks at.</summary>
public enum ModerationDirection
{
    /// <summary>What the end user wrote, before it reaches the model.</summary>
    Input = 0,

    /// <summary>The model's answer, before it reaches the end user.</summary>
    Output = 1,
}
