namespace SafeOpenAI.Cli.RedTeam;

/// <summary>The run metadata of <see cref="RedTeamJsonReport"/>: times are UTC ISO 8601, the duration in seconds.</summary>
internal sealed record RedTeamJsonRun(
    string Suite,
    int Seed,
    string Model,
    string Endpoint,
    DateTimeOffset StartedUtc,
    DateTimeOffset FinishedUtc,
    double DurationSeconds);
