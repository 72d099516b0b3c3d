namespace SafeOpenAI;

/// <summary>An <see cref="IGroundednessJudge"/>'s decision on one claim (natural-language-inference style: entailed by the sources or not).</summary>
/// <param name="Index">The claim's index, as in <see cref="GroundednessJudgeClaim.Index"/>.</param>
/// <param name="Supported">Whether the sources entail the claim.</param>
/// <param name="SourceIds">Ids of the sources that entail it; empty when unsupported.</param>
public sealed record GroundednessJudgement(int Index, bool Supported, IReadOnlyList<string> SourceIds);
