namespace SafeOpenAI;

/// <summary>Why <see cref="UrlFilter"/> refused one URL: the verdict code, the normalised host, and the scheme for a scheme refusal.</summary>
/// <param name="Code">The verdict code, for example <c>url.not_allowed</c>.</param>
/// <param name="Host">The normalised host (empty for <c>data:</c> and similar); never the full URL.</param>
/// <param name="Scheme">The refused scheme, for <c>url.scheme</c>; otherwise <see langword="null"/>.</param>
internal sealed record UrlRefusal(string Code, string Host, string? Scheme)
{
    /// <summary>The verdict's evidence: <c>host</c>, <c>scheme</c> when refused for it, and <c>location</c> on output.</summary>
    /// <param name="location">Where in the answer the URL was, or <see langword="null"/> on input.</param>
    /// <returns>The evidence.</returns>
    public Dictionary<string, string> Evidence(string? location)
    {
        var evidence = new Dictionary<string, string>(StringComparer.Ordinal) { ["host"] = Host };
        if (Scheme is not null)
        {
            evidence["scheme"] = Scheme;
        }

        if (location is not null)
        {
            evidence["location"] = location;
        }

        return evidence;
    }
}
