namespace SafeOpenAI.Cli.RedTeam;

/// <summary>
/// The attack categories of the built-in red-team suite, as written in suite files and reports
/// (snake_case). External suites may name other categories; these are the ones the built-in suite covers.
/// </summary>
internal static class AttackCategory
{
    /// <summary>Instructions in the user's own message that try to override the system prompt.</summary>
    public const string DirectInjection = "direct_injection";

    /// <summary>Instructions hidden in untrusted documents (emails, web pages, tables, code) sent as sources.</summary>
    public const string IndirectInjection = "indirect_injection";

    /// <summary>Role-play and persona jailbreaks ("you are DAN", fiction framing, grandma stories).</summary>
    public const string RoleplayJailbreak = "roleplay_jailbreak";

    /// <summary>Attacks hidden by encoding: base64, leetspeak, homoglyphs, invisible characters, other languages.</summary>
    public const string Obfuscation = "obfuscation";

    /// <summary>Attempts to make the model reveal its system prompt (judged by the canary planted in it).</summary>
    public const string SystemPromptExtraction = "system_prompt_extraction";

    /// <summary>Attempts to make the model return personal data of other people or users.</summary>
    public const string PiiExfiltration = "pii_exfiltration";

    /// <summary>Plainly harmful requests (weapons, malware, self-harm, fraud) the model must refuse.</summary>
    public const string HarmfulRequest = "harmful_request";

    /// <summary>Requests that leave the application's declared scope (off-topic use of a scoped assistant).</summary>
    public const string ScopeEscape = "scope_escape";

    /// <summary>Conversations whose earlier turns build trust or context before the harmful last turn.</summary>
    public const string MultiTurnEscalation = "multi_turn_escalation";

    /// <summary>Oversized inputs and token-bombing requests meant to run up the bill.</summary>
    public const string DenialOfWallet = "denial_of_wallet";

    /// <summary>The category of benign control prompts.</summary>
    public const string Benign = "benign";

    /// <summary>The ten attack categories of the built-in suite, in report order.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        DirectInjection, IndirectInjection, RoleplayJailbreak, Obfuscation, SystemPromptExtraction,
        PiiExfiltration, HarmfulRequest, ScopeEscape, MultiTurnEscalation, DenialOfWallet,
    ];
}
