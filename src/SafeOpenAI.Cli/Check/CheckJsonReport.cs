namespace SafeOpenAI.Cli.Check;

/// <summary>
/// The documented JSON contract of <c>safeopenai check --json</c>, serialized in snake_case:
/// <c>{"configuration","checked_utc","passed","warnings","failed","items":[{"id","title","status","key","detail","source"}]}</c>.
/// <c>status</c> is <c>pass</c>, <c>warn</c> or <c>fail</c>; <c>checked_utc</c> is ISO 8601 UTC. Changing a name here breaks the CI jobs that read it.
/// </summary>
internal sealed record CheckJsonReport(string Configuration, DateTimeOffset CheckedUtc, int Passed, int Warnings, int Failed, IReadOnlyList<CheckJsonItem> Items)
{
    /// <summary>Maps a result to its JSON shape.</summary>
    public static CheckJsonReport From(CheckResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new CheckJsonReport(
            result.Configuration,
            result.CheckedUtc.ToUniversalTime(),
            result.Passed,
            result.Warnings,
            result.Failed,
            [.. result.Items.Select(i => new CheckJsonItem(i.Id, i.Title, StatusName(i.Status), i.Key, i.Detail, i.Source))]);
    }

    /// <summary>The status as written in every output: <c>pass</c>, <c>warn</c> or <c>fail</c>.</summary>
    public static string StatusName(CheckStatus status) => status switch
    {
        CheckStatus.Pass => "pass",
        CheckStatus.Warn => "warn",
        _ => "fail",
    };
}
