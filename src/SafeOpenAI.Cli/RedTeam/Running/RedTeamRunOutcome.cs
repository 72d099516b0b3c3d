namespace SafeOpenAI.Cli.RedTeam;

/// <summary>The result of a red-team run: the report of the cases that ran, and how many did not for lack of request budget.</summary>
/// <param name="Report">The report; <see langword="null"/> when the budget let no attack run.</param>
/// <param name="NotRun">Cases (attacks and benign prompts) that did not run because the request budget ran out.</param>
/// <param name="Requests">The requests the run caused, as counted against the budget.</param>
internal sealed record RedTeamRunOutcome(RedTeamReport? Report, int NotRun, long Requests);
