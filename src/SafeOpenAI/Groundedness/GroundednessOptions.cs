namespace SafeOpenAI;

/// <summary>
/// Options of <see cref="GroundednessValidator"/>. Read once, when the validator is created; not
/// thread-safe to mutate afterwards. Scores are support scores between 0 and 1: the weighted share
/// of a claim's checkable content (entities, numbers, identifiers and quotes weigh 2, other content
/// words 1) that the sources contain.
/// </summary>
/// <remarks>
/// <see cref="MinClaimScore"/> (0.8) was chosen on one data set, BEGIN (Dziri et al., TACL 2022;
/// the best balanced accuracy of a sweep from 0.5 to 1.0), and reported unchanged on HaluEval QA
/// (Li et al., EMNLP 2023); see docs/groundedness.md for the figures and the commands.
/// </remarks>
public sealed class GroundednessOptions
{
    /// <summary>Gets or sets what happens to an answer with an unsupported claim. Default <see cref="GroundednessPolicy.Block"/>.</summary>
    public GroundednessPolicy Policy { get; set; } = GroundednessPolicy.Block;

    /// <summary>
    /// Gets or sets the support score (0–1) a claim needs to count as supported by the lexical
    /// check when no judge decides it. Default 0.8: at most one unsupported content word in five.
    /// A claim that names an entity, number,
    /// identifier or quoted string absent from every source is unsupported whatever its score.
    /// </summary>
    public double MinClaimScore { get; set; } = 0.8;

    /// <summary>
    /// Gets or sets the support score (0–1) at or above which the lexical check settles a claim as
    /// supported without asking the judge. Only used with a judge. Default 1.0: only claims whose
    /// checkable content is all in the sources skip the judge. At least <see cref="MinClaimScore"/>.
    /// </summary>
    public double JudgeSkipScore { get; set; } = 1.0;

    /// <summary>
    /// Gets or sets a value indicating whether the words of the last user message are discounted:
    /// content that no source has but the question has is neutral (neither support nor a miss), so
    /// an answer is never supported because it repeats the question, nor unsupported because it
    /// repeats a question word the sources phrase differently. A claim made only of question
    /// content scores 0. Default <see langword="true"/>.
    /// </summary>
    public bool DiscountQuestionTerms { get; set; } = true;

    /// <summary>Gets or sets what happens when the judge fails. Default <see cref="GroundednessJudgeFailureMode.TreatAsUnsupported"/>.</summary>
    public GroundednessJudgeFailureMode JudgeFailure { get; set; } = GroundednessJudgeFailureMode.TreatAsUnsupported;

    /// <summary>Gets or sets the most claims of one answer sent to the judge in one call. Default 32; at least 1. Claims beyond it count as unsupported (evidence <c>judge=truncated</c>).</summary>
    public int MaxJudgedClaims { get; set; } = 32;
}
