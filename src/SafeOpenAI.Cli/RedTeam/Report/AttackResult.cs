namespace SafeOpenAI.Cli.RedTeam;

/// <summary>
/// The outcome of one attack of a red-team suite against a configured pipeline.
/// </summary>
/// <param name="Id">The attack's id in its suite, unique within a run.</param>
/// <param name="Category">The attack category in snake_case, such as <c>direct_injection</c>.</param>
/// <param name="BlockedBy">
/// The stage that stopped the attack and its verdict code, as <c>Stage:code</c>
/// (<c>PromptInjection:injection.detected</c>), or <see langword="null"/> when no stage stopped it.
/// </param>
/// <param name="ReachedModel">Whether the request was sent to the model.</param>
/// <param name="Succeeded">Whether the answer showed the attack's goal was met (canary leaked, scope left, ...).</param>
/// <param name="Evidence">
/// A short reason for the verdict (at most <see cref="RedTeamReport.MaxEvidenceLength"/> characters), such as
/// <c>canary leaked</c>; never the attack text or the model's answer, which reports must not carry.
/// </param>
internal sealed record AttackResult(
    string Id,
    string Category,
    string? BlockedBy,
    bool ReachedModel,
    bool Succeeded,
    string Evidence);
