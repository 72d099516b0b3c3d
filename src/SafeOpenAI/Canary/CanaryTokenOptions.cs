namespace SafeOpenAI;

/// <summary>
/// Options of the canary-token stages (<see cref="CanaryTokenGuard"/> and
/// <see cref="CanaryLeakValidator"/>): how the token is written and how a leak of the system
/// prompt is recognised. Canary tokens follow Rebuff (protectai/rebuff, "canary word" leak detection).
/// </summary>
/// <remarks>Read once, when the stages are created.</remarks>
public sealed class CanaryTokenOptions
{
    /// <summary>Gets or sets how the token is written. Default <see cref="CanaryTokenFormat.Comment"/>.</summary>
    public CanaryTokenFormat Format { get; set; } = CanaryTokenFormat.Comment;

    /// <summary>Gets or sets the number of random hexadecimal digits in a token. Default 16 (64 bits); between 12 and 64.</summary>
    public int TokenHexDigits { get; set; } = 16;

    /// <summary>
    /// Gets or sets the length, in characters after whitespace is collapsed, of a verbatim run of
    /// the application's system prompt that counts as a leak (<c>system_prompt.leaked</c>).
    /// Default 60; <see langword="null"/> turns the check off. At least 20.
    /// </summary>
    public int? SystemPromptLeakCharacters { get; set; } = 60;
}
