namespace SafeOpenAI;

/// <summary>
/// Decides whether content meets a scope criterion (the judge of <see cref="ScopeCheck"/>: off-topic,
/// NSFW text, or a team's own criterion). <see cref="OpenAIScopeJudge"/> asks a small OpenAI model
/// under a strict JSON schema.
/// </summary>
/// <remarks>
/// Implementations are thread-safe, honour cancellation, and signal any failure to give a usable
/// answer (an error, a timeout, a refusal, an answer out of format) with
/// <see cref="ScopeJudgeException"/>, which <see cref="ScopeCheck"/> turns into a verdict under its
/// <see cref="ScopeCheckOptions.FailurePolicy"/>. Any other exception propagates to the caller.
/// </remarks>
public interface IScopeJudge
{
    /// <summary>Judges the request's content against its criterion.</summary>
    /// <param name="request">The criterion, the bounded conversation context, the content, and the prompt SafeOpenAI built from them.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the criterion is met, with the judge's confidence and the tokens it billed.</returns>
    /// <exception cref="ScopeJudgeException">The judge could not give a usable answer.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    ValueTask<ScopeJudgement> JudgeAsync(ScopeJudgeRequest request, CancellationToken cancellationToken);
}
