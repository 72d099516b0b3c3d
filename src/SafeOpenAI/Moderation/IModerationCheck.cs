namespace SafeOpenAI;

/// <summary>
/// A stage that classifies text and image parts as harmful or not, on the input (what the user
/// wrote) and on the output (the model's answer). The default is
/// <see cref="OpenAIModerationCheck"/> on <c>omni-moderation-latest</c>.
/// </summary>
/// <remarks>
/// Implementations are thread-safe, honour cancellation, and decide their own failure policy when
/// the classifier is unavailable (fail closed is the documented default); either way the outcome
/// is visible in the returned verdict rather than thrown.
/// </remarks>
public interface IModerationCheck
{
    /// <summary>Gets the stage name used in verdicts, for example <c>OpenAIModeration</c>.</summary>
    string Name { get; }

    /// <summary>Classifies the parts.</summary>
    /// <param name="direction">Whether the parts are input or output.</param>
    /// <param name="parts">The text and image parts to classify; other kinds are ignored.</param>
    /// <param name="request">The request the parts belong to (its identity and items), for context.</param>
    /// <param name="cancellationToken">Cancels the classification.</param>
    /// <returns>Allow, Review (grey zone) or Block with a code such as <c>moderation.flagged:violence</c>.</returns>
    ValueTask<SafetyVerdict> ModerateAsync(ModerationDirection direction, IReadOnlyList<MessagePart> parts, SafetyRequest request, CancellationToken cancellationToken);
}
