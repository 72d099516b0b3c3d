namespace SafeOpenAI.Cli.RedTeam;

/// <summary>One category of <see cref="RedTeamJsonReport"/>; rates 0..1, the interval is 95 % Wilson.</summary>
internal sealed record RedTeamJsonCategory(int Attacks, int Succeeded, double AttackSuccessRate, double CiLow, double CiHigh);
