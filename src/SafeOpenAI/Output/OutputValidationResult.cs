namespace SafeOpenAI;

/// <summary>What an <see cref="IOutputValidator"/> decided, with the rewritten answer for a rewrite. Immutable.</summary>
public sealed class OutputValidationResult
{
    private OutputValidationResult(SafetyVerdict verdict, SafetyResponse? rewrittenResponse, string? reaskFeedback = null)
    {
        Verdict = verdict;
        RewrittenResponse = rewrittenResponse;
        ReaskFeedback = reaskFeedback;
    }

    /// <summary>Gets the verdict.</summary>
    public SafetyVerdict Verdict { get; }

    /// <summary>Gets the answer that replaces the model's answer, for a <see cref="SafetyAction.Rewrite"/>; otherwise <see langword="null"/>.</summary>
    public SafetyResponse? RewrittenResponse { get; }

    /// <summary>
    /// Gets what to tell the model when it is asked again, for a <see cref="Reask"/> result;
    /// otherwise <see langword="null"/>.
    /// </summary>
    public string? ReaskFeedback { get; }

    /// <summary>
    /// Gets what the stage's own model call billed (an <see cref="IModelBackedStage"/>'s judge), or
    /// <see langword="null"/> when it called no model. Set with <see cref="WithModelUsage"/>.
    /// </summary>
    public ModelCallUsage? ModelUsage { get; private init; }

    /// <summary>Creates the result of a validator that found nothing.</summary>
    /// <param name="stage">The validator's name.</param>
    /// <returns>An Allow result.</returns>
    public static OutputValidationResult Allow(string stage) => new(SafetyVerdict.Allow(stage), null);

    /// <summary>Creates the result of a validator that rewrote the answer.</summary>
    /// <param name="verdict">A verdict whose action is <see cref="SafetyAction.Rewrite"/>.</param>
    /// <param name="rewrittenResponse">The answer to return instead.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">The verdict is not a rewrite.</exception>
    public static OutputValidationResult Rewrite(SafetyVerdict verdict, SafetyResponse rewrittenResponse)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        ArgumentNullException.ThrowIfNull(rewrittenResponse);
        if (verdict.Action != SafetyAction.Rewrite)
        {
            throw new ArgumentException($"A rewrite result needs a Rewrite verdict, not {verdict.Action}.", nameof(verdict));
        }

        return new OutputValidationResult(verdict, rewrittenResponse);
    }

    /// <summary>Creates a result that carries only a verdict (Allow with a code, Review or Block).</summary>
    /// <param name="verdict">The verdict; not a rewrite.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">The verdict is a rewrite: use <see cref="Rewrite"/>.</exception>
    public static OutputValidationResult FromVerdict(SafetyVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        if (verdict.Action == SafetyAction.Rewrite)
        {
            throw new ArgumentException("A Rewrite verdict needs the rewritten answer: use OutputValidationResult.Rewrite.", nameof(verdict));
        }

        return new OutputValidationResult(verdict, null);
    }

    /// <summary>
    /// Creates the result of a validator that rejected the answer but can say how to fix it. The
    /// pipeline then asks the model again, appending the rejected answer and
    /// <paramref name="feedback"/> to the conversation (the "reask" of Guardrails AI), up to
    /// <see cref="SafeOpenAIOptions.MaxReasks"/> times; each attempt is reserved and settled
    /// against the budget and passes every output stage again. When the attempts are spent, or
    /// the answer was streamed and could not be asked for again, <paramref name="verdict"/> blocks
    /// the call.
    /// </summary>
    /// <param name="verdict">A Block verdict naming what was wrong (for example <c>schema.invalid</c> with the error paths).</param>
    /// <param name="feedback">The instruction sent to the model, for example the validation errors; it may quote the model's own answer but never secrets.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">The verdict is not a Block, or <paramref name="feedback"/> is empty.</exception>
    public static OutputValidationResult Reask(SafetyVerdict verdict, string feedback)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        ArgumentException.ThrowIfNullOrWhiteSpace(feedback);
        if (verdict.Action != SafetyAction.Block)
        {
            throw new ArgumentException($"A reask result needs a Block verdict, used when the attempts are spent, not {verdict.Action}.", nameof(verdict));
        }

        return new OutputValidationResult(verdict, null, feedback);
    }

    /// <summary>Returns a copy of this result that reports what the stage's own model call billed.</summary>
    /// <param name="usage">The model and tokens billed.</param>
    /// <returns>The copy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="usage"/> is null.</exception>
    public OutputValidationResult WithModelUsage(ModelCallUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return new OutputValidationResult(Verdict, RewrittenResponse, ReaskFeedback) { ModelUsage = usage };
    }
}
