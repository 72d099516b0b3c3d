namespace SafeOpenAI.Cli.Check;

/// <summary>One item of <see cref="CheckJsonReport"/>; <c>status</c> is <c>pass</c>, <c>warn</c> or <c>fail</c>, <c>key</c> the full configuration key to change.</summary>
internal sealed record CheckJsonItem(string Id, string Title, string Status, string Key, string Detail, string Source);
