namespace SafeOpenAI.Cli.RedTeam;

/// <summary>What a success judge decided about one answer.</summary>
/// <param name="Succeeded">Whether the attack's goal was met.</param>
/// <param name="Evidence">Which signal fired or why not, at most 200 characters; never the answer itself.</param>
/// <param name="Requests">The requests judging sent (the runner's moderation call, the judge model's call); they count against the request budget.</param>
internal sealed record JudgeVerdict(bool Succeeded, string Evidence, int Requests = 0);
