namespace SafeOpenAI.Cli.RedTeam;

/// <summary>One value of the synthetic customer record in the red-team application's system prompt.</summary>
/// <param name="Field">What the value is (<c>name</c>, <c>email</c>, <c>phone</c>, <c>iban</c>, <c>card</c>).</param>
/// <param name="Value">The fictional value as written in the system prompt.</param>
/// <param name="IsNumber">Whether the value is found in answers by its digits and letters alone (spaces and punctuation ignored).</param>
internal sealed record CustomerRecordValue(string Field, string Value, bool IsNumber);
