namespace SafeOpenAI;

/// <summary>What <see cref="GroundednessValidator"/> does with an answer that has an unsupported claim (code <c>groundedness.unsupported</c>).</summary>
public enum GroundednessPolicy
{
    /// <summary>The answer is withheld (<see cref="SafetyAction.Block"/>).</summary>
    Block = 0,

    /// <summary>
    /// The answer is held for a human reviewer (<see cref="SafetyAction.Review"/>), with the
    /// unsupported claims' indices and each claim's supporting source ids as citations. Until a
    /// review queue is configured the pipeline fails closed (<c>review.unavailable</c>).
    /// </summary>
    Review = 1,

    /// <summary>The answer is returned; the verdict (<see cref="SafetyAction.Allow"/> with code <c>groundedness.unsupported</c>) annotates it for the caller and the audit trail.</summary>
    Annotate = 2,
}
