namespace SafeOpenAI;

/// <summary>
/// Finds personal data of one or more entity types in a text: the extension point of
/// <see cref="PiiAnalyzer"/> for recognisers an application brings (Presidio's
/// <c>EntityRecognizer</c>). See <see cref="PatternPiiRecognizer"/> for a named regular expression.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe, must run in time linear in the text's length (no
/// backtracking regular expressions without a timeout), and must not log or keep the text.
/// Overlapping findings from different recognisers are resolved by <see cref="PiiAnalyzer"/>:
/// the higher score wins, then the longer span.
/// </remarks>
public interface IPiiRecognizer
{
    /// <summary>Gets the entity types this recogniser can report.</summary>
    IReadOnlyCollection<string> SupportedEntities { get; }

    /// <summary>Adds the findings in <paramref name="text"/> to <paramref name="results"/>.</summary>
    /// <param name="text">The text to analyse (already normalised for detection by the analyzer).</param>
    /// <param name="results">Receives the findings, with offsets into <paramref name="text"/>.</param>
    void Analyze(string text, ICollection<PiiEntity> results);
}
