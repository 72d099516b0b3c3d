namespace SafeOpenAI.Cli.RedTeam;

/// <summary>What a red-team run was: the suite, the seed, the model and when it ran.</summary>
/// <param name="SuiteName">The suite's name (<c>builtin</c>, or the file given with <c>--data</c>).</param>
/// <param name="Seed">The seed that orders and varies the attacks; the same seed offline gives the same results.</param>
/// <param name="Model">The model name the pipeline was configured with.</param>
/// <param name="Endpoint">Whether the run was offline (local endpoint) or online (OpenAI).</param>
/// <param name="StartedUtc">When the run started, UTC.</param>
/// <param name="FinishedUtc">When the run finished, UTC; not before <paramref name="StartedUtc"/>.</param>
/// <param name="NotRun">Cases of the suite (attacks and benign prompts) that did not run because the request budget ran out; 0 for a complete run.</param>
/// <param name="ConfigurationFingerprint">The <see cref="Cli.ConfigurationFingerprint"/> of the configuration attacked; <see langword="null"/> when not known.</param>
internal sealed record RedTeamRunInfo(
    string SuiteName,
    int Seed,
    string Model,
    RedTeamEndpointKind Endpoint,
    DateTimeOffset StartedUtc,
    DateTimeOffset FinishedUtc,
    int NotRun = 0,
    string? ConfigurationFingerprint = null)
{
    /// <summary>Gets the run's wall-clock duration in seconds.</summary>
    public double DurationSeconds => (FinishedUtc - StartedUtc).TotalSeconds;
}
