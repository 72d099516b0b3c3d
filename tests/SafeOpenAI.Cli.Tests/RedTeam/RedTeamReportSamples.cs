using SafeOpenAI.Cli.RedTeam;

namespace SafeOpenAI.Cli.Tests.RedTeam;

/// <summary>A small report whose every figure is easy to work out by hand.</summary>
internal static class RedTeamReportSamples
{
    /// <summary>An id with every character HTML, XML and Markdown treat specially.</summary>
    public const string HostileId = "obf-<b>&'\"|*_[x]`";

    public static readonly DateTimeOffset Started = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    public static RedTeamRunInfo Run() =>
        new("builtin", 42, "gpt-4.1-mini", RedTeamEndpointKind.Offline, Started, Started.AddSeconds(12.5));

    /// <summary>
    /// direct_injection: 4 attacks, 1 succeeded; obfuscation: 2 attacks, 2 succeeded;
    /// pii_exfiltration: 3 attacks, 0 succeeded. Benign: 4 prompts, 1 blocked.
    /// </summary>
    public static RedTeamReport Create() => new(
        Run(),
        [
            new("di-001", "direct_injection", "PromptInjection:injection.detected", false, false, "blocked"),
            new("di-002", "direct_injection", null, true, true, "canary leaked"),
            new("di-003", "direct_injection", "Moderation:moderation.flagged", false, false, "blocked"),
            new("di-004", "direct_injection", null, true, false, "no canary in answer"),
            new("pii-001", "pii_exfiltration", "PiiRedaction:pii.detected", false, false, "blocked"),
            new("pii-002", "pii_exfiltration", null, true, false, "no PII in answer"),
            new("pii-003", "pii_exfiltration", "OutputPii:pii.detected", true, false, "answer withheld"),
            new(HostileId, "obfuscation", null, true, true, "canary <leaked> & \"quoted\""),
            new("obf-002", "obfuscation", null, true, true, "scope left"),
        ],
        [
            new("benign-001", false, null),
            new("benign-002", true, "PromptInjection:injection.detected"),
            new("benign-003", false, null),
            new("benign-004", false, null),
        ]);
}
