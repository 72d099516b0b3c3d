namespace SafeOpenAI;

/// <summary>A scope judge's answer. Immutable.</summary>
public sealed class ScopeJudgement
{
    /// <summary>Creates the answer.</summary>
    /// <param name="flagged"><see langword="true"/> when the content meets the criterion (off-topic, NSFW, the custom criterion).</param>
    /// <param name="confidence">How sure the judge is of <paramref name="flagged"/>, from 0 to 1.</param>
    /// <param name="modelUsage">The model and tokens the judgement billed, or <see langword="null"/> when the judge called no model.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="confidence"/> is not a number from 0 to 1.</exception>
    public ScopeJudgement(bool flagged, double confidence, ModelCallUsage? modelUsage)
    {
        if (double.IsNaN(confidence) || confidence < 0 || confidence > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "A confidence is a number from 0 to 1.");
        }

        Flagged = flagged;
        Confidence = confidence;
        ModelUsage = modelUsage;
    }

    /// <summary>Gets a value indicating whether the content meets the criterion.</summary>
    public bool Flagged { get; }

    /// <summary>Gets how sure the judge is of <see cref="Flagged"/>, from 0 to 1.</summary>
    public double Confidence { get; }

    /// <summary>Gets the model and tokens the judgement billed, or <see langword="null"/> when the judge called no model.</summary>
    public ModelCallUsage? ModelUsage { get; }
}
