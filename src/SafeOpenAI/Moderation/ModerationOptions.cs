namespace SafeOpenAI;

/// <summary>
/// Moderation settings (configuration section <c>SafeOpenAI:Moderation</c>): where the pipeline
/// moderates, and how <see cref="OpenAIModerationCheck"/> classifies.
/// </summary>
/// <remarks>
/// Category names are those of OpenAI's moderation API (<c>harassment</c>,
/// <c>harassment/threatening</c>, <c>hate</c>, <c>hate/threatening</c>, <c>illicit</c>,
/// <c>illicit/violent</c>, <c>self-harm</c>, <c>self-harm/intent</c>,
/// <c>self-harm/instructions</c>, <c>sexual</c>, <c>sexual/minors</c>, <c>violence</c>,
/// <c>violence/graphic</c>); see OpenAI's moderation guide.
/// </remarks>
public sealed class ModerationOptions
{
    /// <summary>Gets or sets a value indicating whether moderation runs at all. Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether user-authored input is moderated. Default <see langword="true"/>.</summary>
    public bool CheckInput { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the model's answer is moderated. Default <see langword="true"/>.</summary>
    public bool CheckOutput { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether input moderation runs concurrently with the model
    /// call instead of before it. The answer is held until moderation passes; a flagged input
    /// cancels the model call. Saves the moderation latency at the price of a model call that
    /// may be billed for a blocked input. Default <see langword="false"/>.
    /// </summary>
    public bool RunInputConcurrently { get; set; }

    /// <summary>Gets or sets the moderation model. Default <c>omni-moderation-latest</c> (text and images).</summary>
    public string Model { get; set; } = "omni-moderation-latest";

    /// <summary>Gets or sets what happens when the moderation service fails or times out. Default <see cref="ModerationFailurePolicy.FailClosed"/>.</summary>
    public ModerationFailurePolicy FailurePolicy { get; set; } = ModerationFailurePolicy.FailClosed;

    /// <summary>Gets or sets how long one moderation call may take before it counts as failed. Default 10 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets a value indicating whether the service's own <c>flagged</c> decision blocks. Default <see langword="true"/>.</summary>
    public bool BlockWhenFlagged { get; set; } = true;

    /// <summary>
    /// Gets the categories whose flag from the service blocks when <see cref="BlockWhenFlagged"/> is on;
    /// empty (default) for every category (the service's overall <c>flagged</c>). With names listed,
    /// only a flag in one of them blocks, as OpenAI Guardrails' Moderation check does with its
    /// <c>categories</c>. Keys are API category names (https://platform.openai.com/docs/guides/moderation).
    /// </summary>
    public ISet<string> FlaggedCategories { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets per-category score thresholds, 0 to 1: a category whose score reaches its threshold
    /// blocks even when the service did not flag it. Keys are API category names. Empty by default.
    /// </summary>
    public IDictionary<string, float> CategoryThresholds { get; } = new Dictionary<string, float>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets the start of the grey zone, 0 to 1, or <see langword="null"/> (the default) for
    /// none: an input or answer that is not blocked but whose highest category score reaches it goes
    /// to human review, with code <c>moderation.review:&lt;category&gt;</c> (see
    /// <see cref="OpenAIModerationCheck"/>). Must be below every <see cref="CategoryThresholds"/>
    /// entry, or the grey zone of that category would be empty. Needs <c>UseHumanReview()</c>;
    /// without a review queue such calls are withheld (<c>review.unavailable</c>).
    /// </summary>
    public float? ReviewThreshold { get; set; }
}
