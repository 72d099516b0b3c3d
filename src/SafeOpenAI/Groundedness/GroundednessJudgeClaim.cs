namespace SafeOpenAI;

/// <summary>A claim the lexical check could not settle, handed to an <see cref="IGroundednessJudge"/>.</summary>
/// <param name="Index">The claim's index in the answer (0-based); the judgement refers to it.</param>
/// <param name="Text">The claim: one sentence or list item of the answer.</param>
public sealed record GroundednessJudgeClaim(int Index, string Text);
