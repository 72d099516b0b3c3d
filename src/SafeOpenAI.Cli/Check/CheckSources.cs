namespace SafeOpenAI.Cli.Check;

/// <summary>
/// The guides the checklist items come from (the three public safety guides SafeOpenAI implements), cited as
/// "guide, section" in every item, the JSON report and the "safety measures in force" document.
/// </summary>
internal static class CheckSources
{
    /// <summary>"OpenAI API Safety: Production Best Practices" (a security team's developer guide, March 2026).</summary>
    public const string ProductionBestPractices = "OpenAI API Safety: Production Best Practices";

    /// <summary>OpenAI's "Safety best practices" page (https://platform.openai.com/docs/guides/safety-best-practices).</summary>
    public const string SafetyBestPractices = "OpenAI Safety best practices";

    /// <summary>"Ensuring AI production safety: Developers' development guide" (a translated article).</summary>
    public const string DevelopersGuide = "AI production safety: developers' guide";

    /// <summary>Cites one section of a guide.</summary>
    public static string Cite(string guide, string section) => $"{guide}, \"{section}\"";
}
