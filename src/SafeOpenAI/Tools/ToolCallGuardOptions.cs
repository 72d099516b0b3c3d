namespace SafeOpenAI;

/// <summary>
/// Options of <see cref="ToolCallValidator"/>: which tools the model may call and how strictly its
/// arguments are checked.
/// </summary>
/// <remarks>Read once, when the validator is created; changes made afterwards have no effect.</remarks>
public sealed class ToolCallGuardOptions
{
    /// <summary>The default of <see cref="MaxArgumentCharacters"/>: 32,768 characters.</summary>
    public const int DefaultMaxArgumentCharacters = 32_768;

    /// <summary>
    /// Gets the function names the model may call, compared ordinally (OpenAI function names are
    /// case-sensitive). Empty, the default, means the tools offered in each request
    /// (<see cref="SafetyRequest.Tools"/>). A call to a name not on the list is blocked with
    /// <c>tool.not_allowed</c>.
    /// </summary>
    public ISet<string> AllowedTools { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets a value indicating whether a call must name a tool the request offered, even
    /// when <see cref="AllowedTools"/> lists it. Default <see langword="true"/>: a tool left out of
    /// one request cannot be called in it.
    /// </summary>
    public bool RequireOfferedTool { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether a call's arguments must be one JSON document that
    /// validates against the offered tool's parameters schema. Default <see langword="true"/>;
    /// a failure is <c>tool.arguments_invalid</c>.
    /// </summary>
    public bool ValidateArguments { get; set; } = true;

    /// <summary>
    /// Gets or sets the longest arguments text, in UTF-16 characters, a call may carry; longer is
    /// <c>tool.arguments_invalid</c> (reason <c>too_long</c>) whether or not arguments are validated.
    /// Default <see cref="DefaultMaxArgumentCharacters"/>; at least 1.
    /// </summary>
    public int MaxArgumentCharacters { get; set; } = DefaultMaxArgumentCharacters;
}
