namespace SafeOpenAI;

/// <summary>
/// Limits on the length of what the end user wrote (configuration section
/// <c>SafeOpenAI:InputLength</c>). Capping input length is a defence the OpenAI safety best
/// practices name ("limit the amount of text a user can input") against prompt injection and
/// denial of wallet. A <see langword="null"/> limit is not enforced.
/// </summary>
public sealed class InputLengthGuardOptions
{
    /// <summary>Gets or sets the most characters (UTF-16 code units) of user-authored text per request. Default 32,000.</summary>
    public int? MaxCharacters { get; set; } = 32_000;

    /// <summary>Gets or sets the most tokens of user-authored text per request, counted with the model family's tokenizer. Default 8,000.</summary>
    public int? MaxTokens { get; set; } = 8_000;
}
