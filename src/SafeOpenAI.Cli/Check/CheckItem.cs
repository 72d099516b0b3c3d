namespace SafeOpenAI.Cli.Check;

/// <summary>One item of the pre-production checklist, as evaluated against a configuration.</summary>
/// <param name="Id">The stable id, for example <c>moderation.input</c>; scripts may match on it.</param>
/// <param name="Title">What the item checks, in a few words.</param>
/// <param name="Status">Pass, warn or fail.</param>
/// <param name="Key">The full configuration key to change, for example <c>SafeOpenAI:Moderation:CheckInput</c>.</param>
/// <param name="Detail">What is in force, or what to do; never a secret value.</param>
/// <param name="Source">The guide and section the item comes from.</param>
/// <param name="Group">The section of the "safety measures in force" document.</param>
internal sealed record CheckItem(string Id, string Title, CheckStatus Status, string Key, string Detail, string Source, CheckGroup Group);
