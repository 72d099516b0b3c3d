namespace SafeOpenAI;

/// <summary>What an <see cref="IInputGuard"/> decided, with the rewritten messages for a rewrite. Immutable.</summary>
public sealed class InputGuardResult
{
    private InputGuardResult(SafetyVerdict verdict, IReadOnlyList<SafetyMessage>? rewrittenMessages, IReadOnlyList<SourceDocument>? rewrittenSources = null, SafetyResponse? answer = null)
    {
        Verdict = verdict;
        RewrittenMessages = rewrittenMessages;
        RewrittenSources = rewrittenSources;
        Answer = answer;
    }

    /// <summary>Gets the verdict.</summary>
    public SafetyVerdict Verdict { get; }

    /// <summary>Gets the messages that replace the request's messages, for a <see cref="SafetyAction.Rewrite"/>; otherwise <see langword="null"/>.</summary>
    public IReadOnlyList<SafetyMessage>? RewrittenMessages { get; }

    /// <summary>Gets the sources that replace the request's sources, for a rewrite that adds or removes sources; otherwise <see langword="null"/>.</summary>
    public IReadOnlyList<SourceDocument>? RewrittenSources { get; }

    /// <summary>
    /// Gets the answer the guard gives in place of the model, for an <see cref="Answered"/> result;
    /// otherwise <see langword="null"/>.
    /// </summary>
    public SafetyResponse? Answer { get; }

    /// <summary>
    /// Gets what the stage's own model call billed (an <see cref="IModelBackedStage"/>'s judge), or
    /// <see langword="null"/> when it called no model. Set with <see cref="WithModelUsage"/>.
    /// </summary>
    public ModelCallUsage? ModelUsage { get; private init; }

    /// <summary>Creates the result of a guard that found nothing.</summary>
    /// <param name="stage">The guard's name.</param>
    /// <returns>An Allow result.</returns>
    public static InputGuardResult Allow(string stage) => new(SafetyVerdict.Allow(stage), null);

    /// <summary>Creates the result of a guard that rewrote the messages.</summary>
    /// <param name="verdict">A verdict whose action is <see cref="SafetyAction.Rewrite"/>.</param>
    /// <param name="rewrittenMessages">The messages to send instead; at least one.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">The verdict is not a rewrite, or there are no messages.</exception>
    public static InputGuardResult Rewrite(SafetyVerdict verdict, IReadOnlyList<SafetyMessage> rewrittenMessages)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        ArgumentNullException.ThrowIfNull(rewrittenMessages);
        if (verdict.Action != SafetyAction.Rewrite)
        {
            throw new ArgumentException($"A rewrite result needs a Rewrite verdict, not {verdict.Action}.", nameof(verdict));
        }

        if (rewrittenMessages.Count == 0)
        {
            throw new ArgumentException("A rewrite must leave at least one message.", nameof(rewrittenMessages));
        }

        return new InputGuardResult(verdict, rewrittenMessages);
    }

    /// <summary>Creates a result that carries only a verdict (Allow with a code, Review or Block).</summary>
    /// <param name="verdict">The verdict; not a rewrite.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">The verdict is a rewrite: use <see cref="Rewrite(SafetyVerdict, IReadOnlyList{SafetyMessage})"/>.</exception>
    public static InputGuardResult FromVerdict(SafetyVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        if (verdict.Action == SafetyAction.Rewrite)
        {
            throw new ArgumentException("A Rewrite verdict needs the rewritten messages: use InputGuardResult.Rewrite.", nameof(verdict));
        }

        return new InputGuardResult(verdict, null);
    }

    /// <summary>Creates the result of a guard that rewrote the messages and the request's sources (for example to add a retrieved article).</summary>
    /// <param name="verdict">A verdict whose action is <see cref="SafetyAction.Rewrite"/>.</param>
    /// <param name="rewrittenMessages">The messages to send instead; at least one.</param>
    /// <param name="rewrittenSources">The sources the answer is checked against from now on.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">The verdict is not a rewrite, or there are no messages.</exception>
    public static InputGuardResult Rewrite(SafetyVerdict verdict, IReadOnlyList<SafetyMessage> rewrittenMessages, IReadOnlyList<SourceDocument> rewrittenSources)
    {
        ArgumentNullException.ThrowIfNull(rewrittenSources);
        var result = Rewrite(verdict, rewrittenMessages);
        return new InputGuardResult(result.Verdict, result.RewrittenMessages, rewrittenSources);
    }

    /// <summary>
    /// Creates the result of a guard that answers the request itself, from validated material
    /// (a curated article), so the model is not called: the call completes with
    /// <paramref name="answer"/>, zero billed tokens, and the budget reservation released. The
    /// output stages do not run on it; the answer is the application's own.
    /// </summary>
    /// <param name="verdict">An Allow verdict whose code says why (for example <c>curated.answered</c>).</param>
    /// <param name="answer">The answer to return.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">The verdict is not an Allow.</exception>
    public static InputGuardResult Answered(SafetyVerdict verdict, SafetyResponse answer)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        ArgumentNullException.ThrowIfNull(answer);
        if (verdict.Action != SafetyAction.Allow)
        {
            throw new ArgumentException($"An answered result needs an Allow verdict, not {verdict.Action}.", nameof(verdict));
        }

        return new InputGuardResult(verdict, null, null, answer);
    }

    /// <summary>Returns a copy of this result that reports what the stage's own model call billed.</summary>
    /// <param name="usage">The model and tokens billed.</param>
    /// <returns>The copy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="usage"/> is null.</exception>
    public InputGuardResult WithModelUsage(ModelCallUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return new InputGuardResult(Verdict, RewrittenMessages, RewrittenSources, Answer) { ModelUsage = usage };
    }
}
