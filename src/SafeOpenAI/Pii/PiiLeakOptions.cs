namespace SafeOpenAI;

/// <summary>
/// Options of <see cref="PiiLeakValidator"/>: which personal data in an answer counts as a leak and
/// what happens to it. Read once, when the validator is created; not thread-safe to mutate afterwards.
/// </summary>
public sealed class PiiLeakOptions
{
    /// <summary>Gets or sets what happens to a leaked value. Default <see cref="PiiLeakPolicy.Redact"/>.</summary>
    public PiiLeakPolicy Policy { get; set; } = PiiLeakPolicy.Redact;

    /// <summary>
    /// Gets or sets the entity types to look for; <see langword="null"/> (default) for every type the
    /// analyzer supports except those in <see cref="ExcludedEntities"/>.
    /// </summary>
    public ICollection<string>? Entities { get; set; }

    /// <summary>
    /// Gets the entity types never treated as a leak. Default: <c>URL</c>, because answers cite
    /// documentation links as a matter of course and a URL is personal data only in rare cases
    /// (add your own recogniser for those).
    /// </summary>
    public ISet<string> ExcludedEntities { get; } = new HashSet<string>(StringComparer.Ordinal) { PiiEntityTypes.Url };

    /// <summary>Gets the application's own recognisers, run after the built-in ones.</summary>
    public IList<IPiiRecognizer> Recognizers { get; } = [];

    /// <summary>Gets or sets the minimum score (0–1) a finding needs; default 0.4, as on the input side (<see cref="PiiRedactionOptions.MinimumScore"/>).</summary>
    public double MinimumScore { get; set; } = 0.4;

    /// <summary>Gets or sets the ISO 3166-1 alpha-2 region for phone numbers written without a country code; default <c>US</c>.</summary>
    public string DefaultPhoneRegion { get; set; } = "US";

    /// <summary>
    /// Gets the values the application publishes itself and that may always appear in an answer
    /// (a support e-mail address, a hotline number). Compared like user-supplied values: letters
    /// and digits only, case ignored.
    /// </summary>
    public ICollection<string> AllowedValues { get; } = new List<string>();

    /// <summary>
    /// Gets or sets a value indicating whether values found in the request's sources
    /// (<see cref="SafetyRequest.Sources"/>) are allowed in the answer. Default
    /// <see langword="false"/>: a retrieved record may belong to someone other than the user.
    /// Turn it on when the sources are validated material such as curated articles.
    /// </summary>
    public bool AllowValuesFromSources { get; set; }

    /// <summary>Adds a custom recogniser from a named regular expression (NonBacktracking); see <see cref="PatternPiiRecognizer"/>.</summary>
    /// <param name="entityType">The entity type it reports, for example <c>EMPLOYEE_ID</c>.</param>
    /// <param name="pattern">The regular expression.</param>
    /// <param name="score">The score of a match, 0–1; default 0.6.</param>
    /// <returns>These options.</returns>
    /// <exception cref="ArgumentException">The name or pattern is empty or invalid.</exception>
    public PiiLeakOptions AddPattern(string entityType, string pattern, double score = 0.6)
    {
        Recognizers.Add(new PatternPiiRecognizer(entityType, pattern, score));
        return this;
    }
}
