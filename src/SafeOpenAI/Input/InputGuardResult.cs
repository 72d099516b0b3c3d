namespace SafeOpenAI;

/// <summary>What an <see cref="IInputGuard"/> decided, with the rewritten messages for a rewrite. Immutable.</summary>
public sealed class InputGuardResult
{
    private InputGuardResult(SafetyVerdict verdict, IReadOnlyList<SafetyMessage>? rewrittenMessages)
    {
        Verdict = verdict;
        RewrittenMessages = rewrittenMessages;
    }

    /// <summary>Gets the verdict.</summary>
    public SafetyVerdict Verdict { get; }

    /// <summary>Gets the messages that replace the request's messages, for a <see cref="SafetyAction.Rewrite"/>; otherwise <see langword="null"/>.</summary>
    public IReadOnlyList<SafetyMessage>? RewrittenMessages { get; }

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
    /// <exception cref="ArgumentException">The verdict is a rewrite: use <see cref="Rewrite"/>.</exception>
    public static InputGuardResult FromVerdict(SafetyVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        if (verdict.Action == SafetyAction.Rewrite)
        {
            throw new ArgumentException("A Rewrite verdict needs the rewritten messages: use InputGuardResult.Rewrite.", nameof(verdict));
        }

        return new InputGuardResult(verdict, null);
    }
}
