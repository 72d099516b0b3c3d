namespace SafeOpenAI.Cli.RedTeam;

/// <summary>
/// The red-team run itself failed (for example the moderation endpoint is unavailable, so every case
/// would be blocked by <c>moderation.unavailable</c> and the run would measure nothing). Not an attack result.
/// </summary>
internal sealed class RedTeamRunException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, for the console.</param>
    public RedTeamRunException(string message)
        : base(message)
    {
    }
}
