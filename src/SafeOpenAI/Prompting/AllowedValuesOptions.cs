namespace SafeOpenAI;

/// <summary>
/// Options of <see cref="AllowedValuesGuard"/>: the fields whose values must come from a fixed
/// list — OpenAI's "Safety best practices" advice to let users choose from a validated drop-down
/// instead of typing free text, which leaves a prompt injection nowhere to go.
/// </summary>
/// <remarks>Read once, when the guard is created.</remarks>
public sealed class AllowedValuesOptions
{
    /// <summary>Gets the rules; each is checked on every user message. At least one is needed.</summary>
    public IList<AllowedValuesRule> Rules { get; } = [];

    /// <summary>Adds a rule under which every user message, as a whole, must be one of <paramref name="allowedValues"/>.</summary>
    /// <param name="allowedValues">The allowed values.</param>
    /// <returns>These options.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="allowedValues"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="allowedValues"/> is empty.</exception>
    public AllowedValuesOptions AllowWholeMessage(params string[] allowedValues)
    {
        Rules.Add(AllowedValuesRule.WholeMessage(allowedValues));
        return this;
    }

    /// <summary>Adds a rule under which every user message must be a JSON object whose property <paramref name="propertyName"/> is one of <paramref name="allowedValues"/>.</summary>
    /// <param name="propertyName">The JSON property.</param>
    /// <param name="allowedValues">The allowed values.</param>
    /// <returns>These options.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="allowedValues"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="propertyName"/> is white space, or <paramref name="allowedValues"/> is empty.</exception>
    public AllowedValuesOptions AllowJsonProperty(string propertyName, params string[] allowedValues)
    {
        Rules.Add(AllowedValuesRule.JsonPropertyValue(propertyName, allowedValues));
        return this;
    }
}
