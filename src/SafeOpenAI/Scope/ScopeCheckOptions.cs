namespace SafeOpenAI;

/// <summary>
/// Options of a <see cref="ScopeCheck"/> (the off-topic check, the NSFW text check, or a custom
/// prompt check). Read once, when the check is created; not thread-safe to mutate afterwards. Every
/// option binds from configuration (<c>SafeOpenAI:Defenses:OffTopic</c>,
/// <c>SafeOpenAI:Defenses:CustomPromptCheck</c>).
/// </summary>
/// <remarks>
/// The defaults of <see cref="ConfidenceThreshold"/> and <see cref="MaxTurns"/> are OpenAI
/// Guardrails' (docs/ref/checks/llm_base.md: <c>confidence_threshold</c> 0.7 in its examples,
/// <c>max_turns</c> 10).
/// </remarks>
public sealed class ScopeCheckOptions
{
    /// <summary>The default <see cref="JudgeModel"/>: <c>gpt-4.1-mini</c>, a small model that follows strict JSON schemas.</summary>
    public const string DefaultJudgeModel = "gpt-4.1-mini";

    /// <summary>Gets or sets the model the default judge (<see cref="OpenAIScopeJudge"/>) asks, and the model the pipeline prices and budgets the judge call at. Default <see cref="DefaultJudgeModel"/>.</summary>
    public string JudgeModel { get; set; } = DefaultJudgeModel;

    /// <summary>
    /// Gets or sets the confidence, from 0 to 1, at or above which a flagged judgement blocks the call.
    /// A flagged judgement below it is recorded (Allow, code <c>scope.below_threshold:&lt;stage&gt;</c>) and passes.
    /// Default 0.7.
    /// </summary>
    public double ConfidenceThreshold { get; set; } = 0.7;

    /// <summary>
    /// Gets or sets how many conversation turns the judge reads, counting the content under judgement:
    /// 1 sends the latest user message (or the answer) alone; 10 (default) adds up to the 9 user and
    /// assistant messages before it, so that an attack spread over several turns is seen. System,
    /// developer and tool messages are never sent to the judge. At least 1, at most 100.
    /// </summary>
    public int MaxTurns { get; set; } = 10;

    /// <summary>Gets or sets the most characters of each earlier turn sent as context (the content under judgement is never cut). Default 2,000; at least 100.</summary>
    public int MaxContextCharactersPerTurn { get; set; } = 2_000;

    /// <summary>Gets or sets the cap on the judge's answer, in tokens: the strict answer <c>{"flagged":true,"confidence":0.93}</c> takes about 15. Default 64; from 16 to 1,024.</summary>
    public int MaxJudgeOutputTokens { get; set; } = 64;

    /// <summary>Gets or sets how long the judge may take, after which it counts as failed (<see cref="FailurePolicy"/>). Default 10 seconds; from 0.1 second to 5 minutes.</summary>
    public TimeSpan JudgeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets what the check does when its judge fails. Default <see cref="JudgeFailurePolicy.FailClosed"/>.</summary>
    public JudgeFailurePolicy FailurePolicy { get; set; } = JudgeFailurePolicy.FailClosed;

    /// <summary>
    /// Gets or sets which side the check judges: the latest user message (<see cref="FilterDirection.Input"/>,
    /// the default), the model's answer (<see cref="FilterDirection.Output"/>, judged whole, also when streamed), or both.
    /// </summary>
    public FilterDirection Direction { get; set; } = FilterDirection.Input;

    /// <summary>
    /// Gets or sets a value indicating whether the input check runs at the same time as the model call to
    /// save its latency (see <see cref="IConcurrentInputGuard"/>): the moment it blocks, the model call is
    /// cancelled and its reservation released. Default <see langword="false"/>: the judge decides first,
    /// and a blocked input never reaches the model.
    /// </summary>
    public bool RunConcurrentlyWithModel { get; set; }

    /// <summary>Gets or sets the message shown to the end user when the check blocks; <see langword="null"/> (default) for the check's own.</summary>
    public string? UserMessage { get; set; }
}
