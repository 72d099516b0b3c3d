namespace SafeOpenAI.Cli.RedTeam;

/// <summary>
/// A benign control prompt: a request a good pipeline must answer, used to measure over-blocking beside
/// the attack success rate. Includes tricky ones (security questions, quoted attacks, dosage questions,
/// "ignore the noise in this photo", other languages).
/// </summary>
/// <param name="Id">Stable id, unique in its suite (for example <c>bn-001</c>).</param>
/// <param name="Text">The user message.</param>
/// <param name="Category">The control's category (default <c>benign</c>).</param>
/// <param name="Documents">Documents sent with the message as sources; empty when none.</param>
/// <param name="Language">BCP-47 tag of the text (default <c>en</c>).</param>
internal sealed record BenignPrompt(
    string Id,
    string Text,
    string Category,
    IReadOnlyList<string> Documents,
    string Language = "en");
