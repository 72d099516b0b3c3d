namespace SafeOpenAI;

/// <summary>
/// Options of <see cref="SpotlightingGuard"/>: the mode, which messages count as untrusted, and
/// the marker characters. Spotlighting follows Hines et al. 2024, "Defending Against Indirect
/// Prompt Injection Attacks With Spotlighting" (arXiv:2403.14720).
/// </summary>
/// <remarks>Read once, when the guard is created; changing the options afterwards has no effect.</remarks>
public sealed class SpotlightingOptions
{
    /// <summary>The data markers drawn from by default: rare single characters that never occur as whitespace or word characters. The paper's example marker is <c>ˆ</c> (U+02C6).</summary>
    public static IReadOnlyList<char> DefaultDataMarkers { get; } = ['\u02C6', '\u00A4', '\u00A6', '\u2021', '\u203B', '\u2056', '\u2058', '\u2E2A'];

    /// <summary>Gets or sets the marking mode. Default <see cref="SpotlightingMode.Delimiting"/>.</summary>
    public SpotlightingMode Mode { get; set; } = SpotlightingMode.Delimiting;

    /// <summary>
    /// Gets the roles whose messages are untrusted and are marked. Default: <see cref="MessageRole.Tool"/>
    /// (function and tool results). Add <see cref="MessageRole.User"/> when the user's messages
    /// carry pasted documents; system and developer messages are never marked.
    /// </summary>
    public ISet<MessageRole> UntrustedRoles { get; } = new HashSet<MessageRole> { MessageRole.Tool };

    /// <summary>
    /// Gets or sets a value indicating whether the request's <see cref="SafetyRequest.Sources"/>
    /// (RAG passages) are inlined, marked, into the conversation as a user message placed before the
    /// last user message. Default <see langword="false"/>: the application puts its sources into
    /// the prompt itself.
    /// </summary>
    public bool InlineSources { get; set; }

    /// <summary>
    /// Gets the characters one of which is drawn at random for each request as the
    /// <see cref="SpotlightingMode.Datamarking"/> marker. Default <see cref="DefaultDataMarkers"/>.
    /// Give a single character for a fixed marker. Letters (other than modifier letters such as
    /// U+02C6), digits, white space, control characters and the delimiting characters are refused.
    /// </summary>
    public IList<char> DataMarkers { get; } = [.. DefaultDataMarkers];

    /// <summary>Gets or sets the number of random hexadecimal digits in a <see cref="SpotlightingMode.Delimiting"/> boundary. Default 16 (64 bits); at least 8.</summary>
    public int BoundaryHexDigits { get; set; } = 16;
}
