namespace SafeOpenAI;

/// <summary>Which side of a call a content filter (<see cref="UrlFilter"/>, <see cref="KeywordFilter"/>) checks.</summary>
[Flags]
public enum FilterDirection
{
    /// <summary>The user's messages before they are sent to the model.</summary>
    Input = 1,

    /// <summary>The model's answer: its text, refusal and tool-call arguments.</summary>
    Output = 2,

    /// <summary>Both the user's messages and the model's answer. The default.</summary>
    Both = Input | Output,
}
