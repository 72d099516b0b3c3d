namespace SafeOpenAI.Cli.RedTeam;

/// <summary>
/// The documented JSON contract of <c>safeopenai redteam --format json</c>, serialized in snake_case:
/// <c>{"total_attacks","attack_success_rate","benign_prompts","benign_block_rate",
/// "categories":{"&lt;name&gt;":{"attacks","succeeded","attack_success_rate","ci_low","ci_high"}},
/// "attacks":[{"id","category","blocked_by","reached_model","succeeded"}],"run":{...}}</c>.
/// Rates are numbers from 0 to 1. Changing a name here breaks the CI jobs that read the report.
/// </summary>
internal sealed record RedTeamJsonReport(
    int TotalAttacks,
    double AttackSuccessRate,
    int BenignPrompts,
    double BenignBlockRate,
    IReadOnlyDictionary<string, RedTeamJsonCategory> Categories,
    IReadOnlyList<RedTeamJsonAttack> Attacks,
    RedTeamJsonRun Run)
{
    /// <summary>Maps a report to its JSON shape.</summary>
    public static RedTeamJsonReport From(RedTeamReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var categories = new Dictionary<string, RedTeamJsonCategory>(StringComparer.Ordinal);
        foreach (var c in report.Categories)
        {
            var ci = c.Interval;
            categories.Add(c.Name, new RedTeamJsonCategory(c.Attacks, c.Succeeded, c.AttackSuccessRate, ci.Low, ci.High));
        }

        var run = report.Run;
        return new RedTeamJsonReport(
            report.TotalAttacks,
            report.AttackSuccessRate,
            report.BenignPrompts,
            report.BenignBlockRate,
            categories,
            [.. report.Attacks.Select(a => new RedTeamJsonAttack(a.Id, a.Category, a.BlockedBy, a.ReachedModel, a.Succeeded))],
            new RedTeamJsonRun(
                run.SuiteName,
                run.Seed,
                run.Model,
                run.Endpoint == RedTeamEndpointKind.Offline ? "offline" : "online",
                run.StartedUtc.ToUniversalTime(),
                run.FinishedUtc.ToUniversalTime(),
                run.DurationSeconds,
                run.NotRun,
                run.ConfigurationFingerprint));
    }
}
