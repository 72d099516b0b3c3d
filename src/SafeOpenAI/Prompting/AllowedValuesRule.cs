using System.Text;

namespace SafeOpenAI;

/// <summary>
/// One field that <see cref="AllowedValuesGuard"/> checks against a fixed list: either the whole
/// user message, or a named property of a user message that is a JSON object. Immutable.
/// </summary>
/// <remarks>Values are compared after Unicode normalisation NFKC (UAX #15) and trimming, ignoring case (ordinal, invariant).</remarks>
public sealed class AllowedValuesRule
{
    private AllowedValuesRule(string fieldName, string? jsonProperty, IEnumerable<string> allowedValues)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fieldName);
        ArgumentNullException.ThrowIfNull(allowedValues);
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in allowedValues)
        {
            ArgumentNullException.ThrowIfNull(value, nameof(allowedValues));
            set.Add(Normalize(value));
        }

        if (set.Count == 0)
        {
            throw new ArgumentException("A rule needs at least one allowed value.", nameof(allowedValues));
        }

        FieldName = fieldName;
        JsonProperty = jsonProperty;
        AllowedValues = set;
    }

    /// <summary>Gets the field's name, reported in verdict evidence.</summary>
    public string FieldName { get; }

    /// <summary>Gets the JSON property checked, or <see langword="null"/> when the whole message is the value.</summary>
    public string? JsonProperty { get; }

    /// <summary>Gets the allowed values, normalised (NFKC, trimmed), compared ignoring case.</summary>
    public IReadOnlySet<string> AllowedValues { get; }

    /// <summary>Creates a rule under which every user message, as a whole, must be one of the values (a drop-down instead of free text).</summary>
    /// <param name="allowedValues">The allowed values; at least one.</param>
    /// <param name="fieldName">The name reported in evidence. Default <c>message</c>.</param>
    /// <returns>The rule.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="allowedValues"/> or one of its values is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="allowedValues"/> is empty, or <paramref name="fieldName"/> is white space.</exception>
    public static AllowedValuesRule WholeMessage(IEnumerable<string> allowedValues, string fieldName = "message") =>
        new(fieldName, null, allowedValues);

    /// <summary>Creates a rule under which every user message must be a JSON object whose property <paramref name="propertyName"/> is a string (or number) from the values.</summary>
    /// <param name="propertyName">The property name, matched exactly (ordinal); it is also the field name in evidence.</param>
    /// <param name="allowedValues">The allowed values; at least one.</param>
    /// <returns>The rule.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="allowedValues"/> or one of its values is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="allowedValues"/> is empty, or <paramref name="propertyName"/> is null or white space.</exception>
    public static AllowedValuesRule JsonPropertyValue(string propertyName, IEnumerable<string> allowedValues)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(propertyName);
        return new(propertyName, propertyName, allowedValues);
    }

    /// <summary>Gets a value indicating whether a value is allowed (after NFKC normalisation and trimming, ignoring case).</summary>
    /// <param name="value">The value.</param>
    /// <returns><see langword="true"/> when the value is in the list.</returns>
    public bool Allows(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return AllowedValues.Contains(Normalize(value));
    }

    internal static string Normalize(string value)
    {
        var trimmed = value.Trim();
        try
        {
            return trimmed.IsNormalized(NormalizationForm.FormKC) ? trimmed : trimmed.Normalize(NormalizationForm.FormKC).Trim();
        }
        catch (ArgumentException)
        {
            // Invalid UTF-16 (a lone surrogate, U+FFFE) cannot be normalised, so it matches no listed value.
            return trimmed;
        }
    }
}
