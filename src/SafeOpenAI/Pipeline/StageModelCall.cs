namespace SafeOpenAI;

/// <summary>
/// The model call an <see cref="IModelBackedStage"/> is about to make: the pipeline reserves the
/// tokens of <see cref="Prompt"/> (counted with the model's tokenizer, an upper bound) plus
/// <see cref="MaxOutputTokens"/> before the stage runs. Immutable.
/// </summary>
public sealed class StageModelCall
{
    /// <summary>Creates the description.</summary>
    /// <param name="model">The model the stage calls, for example <c>gpt-4.1-mini</c>; priced with the pipeline's price table.</param>
    /// <param name="prompt">The messages the stage will send; at least one.</param>
    /// <param name="maxOutputTokens">The cap on the stage model's answer, in tokens; at least 1.</param>
    /// <exception cref="ArgumentException"><paramref name="model"/> is blank or <paramref name="prompt"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="prompt"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxOutputTokens"/> is below 1.</exception>
    public StageModelCall(string model, IReadOnlyList<SafetyMessage> prompt, int maxOutputTokens)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Count == 0)
        {
            throw new ArgumentException("A stage's model call sends at least one message.", nameof(prompt));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxOutputTokens, 1);
        Model = model;
        Prompt = prompt;
        MaxOutputTokens = maxOutputTokens;
    }

    /// <summary>Gets the model the stage calls.</summary>
    public string Model { get; }

    /// <summary>Gets the messages the stage will send.</summary>
    public IReadOnlyList<SafetyMessage> Prompt { get; }

    /// <summary>Gets the cap on the stage model's answer, in tokens.</summary>
    public int MaxOutputTokens { get; }
}
