namespace SafeOpenAI;

/// <summary>Options of <see cref="ModelInjectionClassifier"/>. Read once, when the classifier is created.</summary>
public sealed class ModelInjectionClassifierOptions
{
    /// <summary>Gets or sets what a detection does: <see cref="SafetyAction.Block"/> (the default) or <see cref="SafetyAction.Review"/>.</summary>
    public SafetyAction Action { get; set; } = SafetyAction.Block;

    /// <summary>Gets or sets the confidence, in [0, 1], at or above which an <c>injection: true</c> answer counts. Default 0.5.</summary>
    public double MinConfidence { get; set; } = 0.5;

    /// <summary>
    /// Gets or sets a value indicating whether a failed, timed-out or malformed classification
    /// blocks the call (code <c>injection.classifier_unavailable</c>). Default <see langword="false"/>:
    /// the call goes on with an Allow verdict coded <c>injection.classifier_failed_open</c>, because
    /// this classifier is an extra layer over <see cref="PromptInjectionGuard"/>.
    /// </summary>
    public bool FailClosed { get; set; }

    /// <summary>Gets or sets the longest text sent for classification, in characters; the rest is cut. Default 8,000.</summary>
    public int MaxInputCharacters { get; set; } = 8_000;

    /// <summary>Gets or sets how long one classification may take. Default 10 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
