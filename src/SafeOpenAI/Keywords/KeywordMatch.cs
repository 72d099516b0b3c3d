namespace SafeOpenAI;

/// <summary>One configured term found by <see cref="KeywordMatcher"/>.</summary>
/// <param name="Term">The term as configured (not the text it matched).</param>
/// <param name="Start">Where the match starts in the normalised text.</param>
/// <param name="End">Where it ends (exclusive) in the normalised text.</param>
internal readonly record struct KeywordMatch(string Term, int Start, int End);
