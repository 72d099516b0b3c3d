namespace SafeOpenAI;

/// <summary>Keys of the keyed services SafeOpenAI registers.</summary>
public static class SafeOpenAIServiceKeys
{
    /// <summary>
    /// The key of the inner <c>OpenAI.Chat.ChatClient</c> and <c>OpenAI.Moderations.ModerationClient</c>
    /// that SafeOpenAI wraps: the application's own un-keyed registration when it has one, else
    /// clients built from <see cref="SafeOpenAIOptions"/>. Keyed so that injecting a plain
    /// <c>ChatClient</c> never hands out the unguarded inner client by accident.
    /// </summary>
    public const string Inner = "SafeOpenAI.Inner";
}
