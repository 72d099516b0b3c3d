namespace SafeOpenAI;

/// <summary>
/// Decides whether sources entail claims (the optional judge mode of <see cref="GroundednessValidator"/>,
/// asked only about claims the lexical check cannot settle). <see cref="OpenAIGroundednessJudge"/>
/// asks a small OpenAI model.
/// </summary>
/// <remarks>Implementations are thread-safe and honour cancellation.</remarks>
public interface IGroundednessJudge
{
    /// <summary>Judges each claim against the sources.</summary>
    /// <param name="claims">The claims; at least one.</param>
    /// <param name="sources">The request's sources; at least one.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Exactly one judgement per claim, with source ids drawn from <paramref name="sources"/>.</returns>
    /// <exception cref="GroundednessJudgeException">The judge could not give a complete, well-formed answer.</exception>
    ValueTask<IReadOnlyList<GroundednessJudgement>> JudgeAsync(IReadOnlyList<GroundednessJudgeClaim> claims, IReadOnlyList<SourceDocument> sources, CancellationToken cancellationToken);
}
