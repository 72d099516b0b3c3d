namespace SafeOpenAI;

/// <summary>One URL found in a text by <see cref="UrlExtractor"/>: where it is and its parts as written.</summary>
/// <param name="Start">The index of its first character.</param>
/// <param name="End">The index after its last character.</param>
/// <param name="Scheme">The scheme in lower case, or <see langword="null"/> for <c>www.</c> and bare-domain URLs.</param>
/// <param name="HasUserInfo">Whether the authority carries credentials (<c>user[:pass]@</c>).</param>
/// <param name="Host">The host as written (brackets removed from an IPv6 literal, percent-escapes kept); empty for <c>data:</c> and similar.</param>
/// <param name="IsBracketedHost">Whether the host was an IP literal in brackets (<c>[::1]</c>).</param>
/// <param name="Path">The path as written, from its <c>/</c> up to <c>?</c> or <c>#</c>; empty when there is none.</param>
internal readonly record struct ExtractedUrl(int Start, int End, string? Scheme, bool HasUserInfo, string Host, bool IsBracketedHost, string Path)
{
    /// <summary>Gets the URL's length in characters.</summary>
    public int Length => End - Start;
}
