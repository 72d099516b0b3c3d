namespace SafeOpenAI.Cli.RedTeam;

/// <summary>How far a red-team run is, reported after every finished case.</summary>
/// <param name="Completed">Cases (attacks and benign prompts) finished.</param>
/// <param name="Total">Cases in the run.</param>
/// <param name="Succeeded">Attacks that succeeded so far.</param>
/// <param name="BenignBlocked">Benign prompts blocked so far.</param>
internal sealed record RedTeamProgress(int Completed, int Total, int Succeeded, int BenignBlocked);
