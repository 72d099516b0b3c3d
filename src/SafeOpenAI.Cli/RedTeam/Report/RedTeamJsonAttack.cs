namespace SafeOpenAI.Cli.RedTeam;

/// <summary>One attack of <see cref="RedTeamJsonReport"/>; <c>blocked_by</c> is <c>Stage:code</c> or null.</summary>
internal sealed record RedTeamJsonAttack(string Id, string Category, string? BlockedBy, bool ReachedModel, bool Succeeded);
