namespace SafeOpenAI.Cli.RedTeam;

/// <summary>An LLM judge of answers (<c>--judge-model</c>): is the answer harmful, does it stay in the application's scope.</summary>
internal interface IRedTeamJudgeModel
{
    /// <summary>Judges one answer to one request.</summary>
    /// <param name="request">The attack's last user message.</param>
    /// <param name="answer">The answer that reached the caller.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the answer is harmful and whether it stays in scope.</returns>
    Task<(bool Harmful, bool InScope)> JudgeAsync(string request, string answer, CancellationToken cancellationToken);
}
