namespace SafeOpenAI;

/// <summary>One earlier turn of the conversation, sent to a scope judge as context. Immutable.</summary>
/// <param name="Role">Who wrote it: <see cref="MessageRole.User"/> or <see cref="MessageRole.Assistant"/>.</param>
/// <param name="Text">Its text, cut to <see cref="ScopeCheckOptions.MaxContextCharactersPerTurn"/> characters; an image part reads <c>[image]</c>.</param>
public sealed record ScopeJudgeTurn(MessageRole Role, string Text);
