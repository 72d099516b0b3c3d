using SafeOpenAI.Cli.RedTeam;

namespace SafeOpenAI.Cli.Check;

/// <summary>The outcome of one <c>safeopenai check</c> run.</summary>
/// <param name="Configuration">The full path of the configuration file checked.</param>
/// <param name="CheckedUtc">When the check ran.</param>
/// <param name="Items">Every item, in document order.</param>
/// <param name="ApplicationName">The application's name (<c>Deployment:Name</c>), or null.</param>
/// <param name="RedTeamReport">The recorded red-team report when it could be read, for the document's per-category rates.</param>
internal sealed record CheckResult(string Configuration, DateTimeOffset CheckedUtc, IReadOnlyList<CheckItem> Items, string? ApplicationName, RedTeamJsonReport? RedTeamReport)
{
    /// <summary>Gets the number of items that passed.</summary>
    public int Passed => Items.Count(i => i.Status == CheckStatus.Pass);

    /// <summary>Gets the number of warnings.</summary>
    public int Warnings => Items.Count(i => i.Status == CheckStatus.Warn);

    /// <summary>Gets the number of failed items.</summary>
    public int Failed => Items.Count(i => i.Status == CheckStatus.Fail);

    /// <summary>Gets the summary line: <c>check: N passed, N warnings, N failed</c>.</summary>
    public string Summary => FormattableString.Invariant($"check: {Passed} passed, {Warnings} warnings, {Failed} failed");

    /// <summary>The exit code: 0 when nothing failed (and, with <paramref name="strict"/>, nothing warned); 1 otherwise.</summary>
    /// <param name="strict">Whether warnings count as failures.</param>
    public int ExitCode(bool strict) => Failed > 0 || (strict && Warnings > 0) ? 1 : 0;
}
