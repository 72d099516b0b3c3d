namespace SafeOpenAI;

/// <summary>
/// Options of <see cref="PiiRedactionGuard"/>. Read once, when the guard is created; not thread-safe to mutate afterwards.
/// </summary>
public sealed class PiiRedactionOptions
{
    /// <summary>Gets or sets the operator for entity types not listed in <see cref="Operators"/>. Default <see cref="PiiOperator.Replace"/>.</summary>
    public PiiOperator DefaultOperator { get; set; } = PiiOperator.Replace;

    /// <summary>Gets the operator per entity type (for example <c>["US_SSN"] = PiiOperator.Block</c>), overriding <see cref="DefaultOperator"/>.</summary>
    public IDictionary<string, PiiOperator> Operators { get; } = new Dictionary<string, PiiOperator>(StringComparer.Ordinal);

    /// <summary>Gets or sets the entity types to detect; <see langword="null"/> (default) for every supported type.</summary>
    public ICollection<string>? Entities { get; set; }

    /// <summary>Gets the application's own recognisers, run after the built-in ones.</summary>
    public IList<IPiiRecognizer> Recognizers { get; } = [];

    /// <summary>Gets or sets the minimum score (0–1) a finding needs; default 0.4.</summary>
    public double MinimumScore { get; set; } = 0.4;

    /// <summary>Gets or sets the ISO 3166-1 alpha-2 region for phone numbers written without a country code; default <c>US</c>.</summary>
    public string DefaultPhoneRegion { get; set; } = "US";

    /// <summary>
    /// Gets or sets a value indicating whether placeholders made by <see cref="PiiOperator.Replace"/> are put back
    /// in the model's answer by <see cref="PiiRestoringValidator"/> (default <see langword="true"/>). The values are
    /// kept only in the request's <see cref="SafetyRequest.Items"/>, in memory, for the duration of the call.
    /// </summary>
    public bool Reversible { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether tool messages (function results: untrusted data) are redacted too; default <see langword="true"/>.</summary>
    public bool IncludeToolMessages { get; set; } = true;

    /// <summary>Gets or sets the character <see cref="PiiOperator.Mask"/> writes; default '*'.</summary>
    public char MaskCharacter { get; set; } = '*';

    /// <summary>Adds a custom recogniser from a named regular expression (NonBacktracking); see <see cref="PatternPiiRecognizer"/>.</summary>
    /// <param name="entityType">The entity type it reports, for example <c>EMPLOYEE_ID</c>.</param>
    /// <param name="pattern">The regular expression.</param>
    /// <param name="score">The score of a match, 0–1; default 0.6.</param>
    /// <returns>These options.</returns>
    /// <exception cref="ArgumentException">The name or pattern is empty or invalid.</exception>
    public PiiRedactionOptions AddPattern(string entityType, string pattern, double score = 0.6)
    {
        Recognizers.Add(new PatternPiiRecognizer(entityType, pattern, score));
        return this;
    }
}
