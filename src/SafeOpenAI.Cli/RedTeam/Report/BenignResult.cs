namespace SafeOpenAI.Cli.RedTeam;

/// <summary>
/// The outcome of one benign control prompt: a legitimate request the pipeline should let through,
/// run beside the attacks to measure over-blocking.
/// </summary>
/// <param name="Id">The prompt's id in its suite, unique within a run.</param>
/// <param name="Blocked">Whether a stage refused the prompt.</param>
/// <param name="BlockedBy">The stage and verdict code (<c>Stage:code</c>) that refused it, or <see langword="null"/>.</param>
internal sealed record BenignResult(string Id, bool Blocked, string? BlockedBy);
