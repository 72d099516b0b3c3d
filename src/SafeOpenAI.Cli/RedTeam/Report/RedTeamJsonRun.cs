namespace SafeOpenAI.Cli.RedTeam;

/// <summary>The run metadata of <see cref="RedTeamJsonReport"/>: times are UTC ISO 8601, the duration in seconds, <c>not_run</c> the cases a spent request budget left out (0 for a complete run), <c>configuration_fingerprint</c> the <see cref="ConfigurationFingerprint"/> of the configuration attacked (null when not known).</summary>
internal sealed record RedTeamJsonRun(
    string Suite,
    int Seed,
    string Model,
    string Endpoint,
    DateTimeOffset StartedUtc,
    DateTimeOffset FinishedUtc,
    double DurationSeconds,
    int NotRun,
    string? ConfigurationFingerprint = null);
