namespace SafeOpenAI;

/// <summary>What kind of text <see cref="PromptInjectionDetector"/> reads, which sets its decision threshold.</summary>
public enum PromptInjectionMode
{
    /// <summary>A message the end user wrote: direct prompt injection and jailbreaks.</summary>
    Prompt = 0,

    /// <summary>
    /// Untrusted content placed in the prompt (RAG passages, tool results, emails, web pages):
    /// indirect prompt injection, instructions addressed to the model hidden in data
    /// (Greshake et al. 2023, "Not what you've signed up for").
    /// </summary>
    Document = 1,
}
