namespace SafeOpenAI.Cli.RedTeam;

/// <summary>
/// One attack of a red-team suite: the user turns to send, the untrusted documents to attach, and the
/// signal by which a model answer counts as a successful attack.
/// </summary>
/// <param name="Id">Stable id, unique in its suite (for example <c>di-001</c>); reports and JUnit test names use it.</param>
/// <param name="Category">The attack category, snake_case (see <see cref="AttackCategory"/>).</param>
/// <param name="Turns">The user messages in order, at least one; all but the last are the earlier turns of a multi-turn escalation.</param>
/// <param name="Documents">Untrusted documents sent with the last turn as sources or tool results; empty when none.</param>
/// <param name="Signal">How the runner judges success when the attack reaches the model.</param>
/// <param name="Language">BCP-47 tag of the attack text (default <c>en</c>).</param>
/// <param name="Notes">Why this is an attack, in a few words; may be empty.</param>
internal sealed record AttackCase(
    string Id,
    string Category,
    IReadOnlyList<string> Turns,
    IReadOnlyList<string> Documents,
    SuccessSignal Signal,
    string Language = "en",
    string Notes = "")
{
    /// <summary>Gets the last user message, the one the attack turns on.</summary>
    public string LastTurn => Turns[^1];

    /// <summary>Gets the number of characters of all turns and documents together.</summary>
    public int TotalCharacters => Turns.Sum(t => t.Length) + Documents.Sum(d => d.Length);
}
