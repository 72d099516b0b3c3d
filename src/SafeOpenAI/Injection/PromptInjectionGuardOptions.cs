namespace SafeOpenAI;

/// <summary>Options of <see cref="PromptInjectionGuard"/>. Read once, when the guard is created.</summary>
public sealed class PromptInjectionGuardOptions
{
    /// <summary>
    /// Gets or sets what a detection does: <see cref="SafetyAction.Block"/> (the default) or
    /// <see cref="SafetyAction.Review"/> (the call goes on and a human reviews it).
    /// </summary>
    public SafetyAction Action { get; set; } = SafetyAction.Block;

    /// <summary>Gets or sets the score at or above which a user message is an injection; <see langword="null"/> (the default) for the model's cross-validated threshold.</summary>
    public double? PromptThreshold { get; set; }

    /// <summary>Gets or sets the score at or above which untrusted content is an injection; <see langword="null"/> (the default) for the model's cross-validated threshold.</summary>
    public double? DocumentThreshold { get; set; }

    /// <summary>Gets or sets a value indicating whether user messages are scanned in <see cref="PromptInjectionMode.Prompt"/> mode. Default <see langword="true"/>.</summary>
    public bool ScanUserMessages { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether tool messages (function results) are scanned in <see cref="PromptInjectionMode.Document"/> mode. Default <see langword="true"/>.</summary>
    public bool ScanToolMessages { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether <see cref="SafetyRequest.Sources"/> are scanned in <see cref="PromptInjectionMode.Document"/> mode. Default <see langword="true"/>.</summary>
    public bool ScanSources { get; set; } = true;

    /// <summary>
    /// Gets or sets a predicate that marks other text parts as untrusted content, scanned in
    /// <see cref="PromptInjectionMode.Document"/> mode (for example a RAG passage the application
    /// placed in a system or user message). Parts it marks in user messages are scanned as documents
    /// instead of prompts. Default <see langword="null"/>: none.
    /// </summary>
    public Func<SafetyMessage, MessagePart, bool>? IsUntrustedPart { get; set; }

    /// <summary>Gets or sets the window length, in characters of normalised text. Default <see cref="PromptInjectionDetector.DefaultWindowCharacters"/>.</summary>
    public int WindowCharacters { get; set; } = PromptInjectionDetector.DefaultWindowCharacters;

    /// <summary>Gets or sets the overlap of consecutive windows, in characters. Default <see cref="PromptInjectionDetector.DefaultWindowOverlapCharacters"/>.</summary>
    public int WindowOverlapCharacters { get; set; } = PromptInjectionDetector.DefaultWindowOverlapCharacters;
}
