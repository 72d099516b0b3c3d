namespace SafeOpenAI;

/// <summary>
/// How <see cref="SpotlightingGuard"/> marks untrusted content. The three modes are the
/// spotlighting transformations of Hines et al. 2024, "Defending Against Indirect Prompt
/// Injection Attacks With Spotlighting" (arXiv:2403.14720), section 3.
/// </summary>
public enum SpotlightingMode
{
    /// <summary>
    /// The content is placed between a begin and an end boundary drawn at random for each request
    /// (for example <c>«a1b2c3d4e5f60718»</c> … <c>«/a1b2c3d4e5f60718»</c>); the boundary
    /// characters are escaped in the content, so the data cannot close its own block. The paper's
    /// weakest mode against adaptive attacks, but it keeps the text readable.
    /// </summary>
    Delimiting = 0,

    /// <summary>
    /// Every whitespace character of the content is replaced by a marker character chosen at
    /// random for each request (for example <c>ˆ</c>), so the marking runs through the whole text.
    /// The paper reports the attack success rate falling from about 50 % to under 3 % with no
    /// measurable loss on NLP tasks.
    /// </summary>
    Datamarking = 1,

    /// <summary>
    /// The content is sent base64-encoded (UTF-8). The strongest mode in the paper (attack success
    /// near 0 %), but only models of GPT-4 strength decode it reliably; it costs about a third more tokens.
    /// </summary>
    Encoding = 2,
}
