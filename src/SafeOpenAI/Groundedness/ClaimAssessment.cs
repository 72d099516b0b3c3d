namespace SafeOpenAI;

/// <summary>The lexical check's finding for one claim.</summary>
/// <param name="Index">The claim's index in the answer (0-based).</param>
/// <param name="Start">Offset of the claim in the answer, in characters.</param>
/// <param name="Length">Length of the claim, in characters.</param>
/// <param name="Score">Support score 0..1 (the weighted share of the claim's checkable content found in the sources), or <see langword="null"/> when the claim has nothing checkable ("Yes.").</param>
/// <param name="MissingKinds">The kinds of strict content not found in any source (<c>entity</c>, <c>number</c>, <c>identifier</c>, <c>quote</c>); empty when none.</param>
/// <param name="SourceIds">Ids of the sources that support the claim, best first.</param>
/// <param name="OnlyQuestionContent">Whether all of the claim's checkable content came from the question and none was found in the sources.</param>
internal sealed record ClaimAssessment(int Index, int Start, int Length, double? Score, IReadOnlyList<string> MissingKinds, IReadOnlyList<string> SourceIds, bool OnlyQuestionContent)
{
    /// <summary>Whether strict content (an entity, number, identifier or quote) is missing from every source.</summary>
    public bool HasMissingStrictContent => MissingKinds.Count > 0;
}
