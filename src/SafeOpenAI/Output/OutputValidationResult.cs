namespace SafeOpenAI;

/// <summary>What an <see cref="IOutputValidator"/> decided, with the rewritten answer for a rewrite. Immutable.</summary>
public sealed class OutputValidationResult
{
    private OutputValidationResult(SafetyVerdict verdict, SafetyResponse? rewrittenResponse)
    {
        Verdict = verdict;
        RewrittenResponse = rewrittenResponse;
    }

    /// <summary>Gets the verdict.</summary>
    public SafetyVerdict Verdict { get; }

    /// <summary>Gets the answer that replaces the model's answer, for a <see cref="SafetyAction.Rewrite"/>; otherwise <see langword="null"/>.</summary>
    public SafetyResponse? RewrittenResponse { get; }

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
}
