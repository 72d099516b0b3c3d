using System.Text.RegularExpressions;

namespace SafeOpenAI;

/// <summary>
/// A custom recogniser from a named regular expression, optionally validated and boosted by
/// context words (Presidio's <c>PatternRecognizer</c>). The expression is compiled with
/// <see cref="RegexOptions.NonBacktracking"/>, so matching is linear in the text's length
/// (no lookarounds or backreferences). Thread-safe.
/// </summary>
public sealed class PatternPiiRecognizer : IPiiRecognizer
{
    private readonly Regex _regex;
    private readonly double _score;
    private readonly string[] _contextWords;
    private readonly Func<string, bool>? _validator;

    /// <summary>Creates the recogniser.</summary>
    /// <param name="entityType">The entity type it reports, for example <c>EMPLOYEE_ID</c>.</param>
    /// <param name="pattern">The .NET regular expression (NonBacktracking subset).</param>
    /// <param name="score">The score of a match, 0–1; a context word nearby adds 0.35 (Presidio's context similarity factor).</param>
    /// <param name="contextWords">Words that raise the score when they appear within 40 characters before the match, case-insensitively.</param>
    /// <param name="validator">Returns <see langword="false"/> for a matched value that is not a real finding (a checksum, for example); optional.</param>
    /// <exception cref="ArgumentException"><paramref name="entityType"/> or <paramref name="pattern"/> is null or white space, or the pattern is invalid.</exception>
    /// <exception cref="NotSupportedException">The pattern uses a construct NonBacktracking does not support.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="score"/> is outside 0–1.</exception>
    public PatternPiiRecognizer(string entityType, string pattern, double score = 0.6, IEnumerable<string>? contextWords = null, Func<string, bool>? validator = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entityType);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        if (score is < 0 or > 1 || double.IsNaN(score))
        {
            throw new ArgumentOutOfRangeException(nameof(score), "The score is between 0 and 1.");
        }

        EntityType = entityType;
        _regex = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        _score = score;
        _contextWords = contextWords?.ToArray() ?? [];
        _validator = validator;
        SupportedEntities = [entityType];
    }

    /// <summary>Gets the entity type this recogniser reports.</summary>
    public string EntityType { get; }

    /// <inheritdoc />
    public IReadOnlyCollection<string> SupportedEntities { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public void Analyze(string text, ICollection<PiiEntity> results)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(results);
        foreach (var match in _regex.EnumerateMatches(text))
        {
            if (match.Length == 0)
            {
                continue;
            }

            if (_validator is not null && !_validator(text.Substring(match.Index, match.Length)))
            {
                continue;
            }

            var score = _score;
            if (_contextWords.Length > 0 && PiiContext.HasWordBefore(text, match.Index, _contextWords))
            {
                score = Math.Min(1.0, score + PiiContext.Boost);
            }

            results.Add(new PiiEntity(EntityType, match.Index, match.Index + match.Length, score));
        }
    }
}
