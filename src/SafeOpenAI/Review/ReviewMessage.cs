namespace SafeOpenAI;

/// <summary>One message of the conversation a reviewer reads, as the end user sent it (before any redaction). Immutable.</summary>
/// <param name="Role">Who wrote it.</param>
/// <param name="Text">Its text; an image part reads <c>[image]</c>.</param>
public sealed record ReviewMessage(MessageRole Role, string Text);
