using System.Net;

namespace SafeOpenAI;

/// <summary>The compiled <see cref="UrlFilterOptions.AllowedHosts"/>: exact hosts (and their <c>www.</c> form), wildcard suffixes, IP ranges in CIDR notation, and URL entries with a scheme and path prefix. Immutable and thread-safe.</summary>
internal sealed class UrlAllowList
{
    private readonly Entry[] _entries;
    private readonly bool _allowSubdomains;

    /// <summary>Compiles the entries.</summary>
    /// <param name="entries">The configured entries.</param>
    /// <param name="allowSubdomains">Whether a plain host also allows its subdomains.</param>
    /// <param name="parameterName">The option's name for the exception, <c>options.AllowedHosts</c>.</param>
    /// <exception cref="ArgumentException">An entry is empty, holds white space, or names no host.</exception>
    public UrlAllowList(IEnumerable<string> entries, bool allowSubdomains, string parameterName)
    {
        _allowSubdomains = allowSubdomains;
        _entries = [.. entries.Select(e => Parse(e, parameterName))];
    }

    /// <summary>Gets a value indicating whether there are no entries (any host that is not dangerous is allowed).</summary>
    public bool IsEmpty => _entries.Length == 0;

    /// <summary>Whether a URL is on the list.</summary>
    /// <param name="url">The URL.</param>
    /// <param name="host">Its analysed host.</param>
    /// <returns><see langword="true"/> when an entry allows it.</returns>
    public bool Allows(ExtractedUrl url, UrlHost host)
    {
        foreach (var entry in _entries)
        {
            if (entry.Network is { } network)
            {
                if (host.IsIpLiteral && IPAddress.TryParse(host.Name, out var address) && network.Contains(address))
                {
                    return true;
                }

                continue;
            }

            // A listed host also covers its www. form, as OpenAI Guardrails' allow-list does.
            var hostMatches = string.Equals(host.Name, "www." + entry.Host, StringComparison.Ordinal) || string.Equals(host.Name, entry.Host, StringComparison.Ordinal) ||
                ((entry.Wildcard || _allowSubdomains) && !host.IsIpLiteral && host.Name.Length > entry.Host.Length &&
                 host.Name.EndsWith(entry.Host, StringComparison.Ordinal) && host.Name[host.Name.Length - entry.Host.Length - 1] == '.');
            if (!hostMatches)
            {
                continue;
            }

            // A URL written without a scheme (example.com/page) names the host only; a scheme-qualified entry still covers it.
            if (entry.Scheme is not null && url.Scheme is not null && !string.Equals(entry.Scheme, url.Scheme, StringComparison.Ordinal))
            {
                continue;
            }

            if (entry.PathPrefix is null || UnderPath(url.Path, entry.PathPrefix))
            {
                return true;
            }
        }

        return false;
    }

    private static bool UnderPath(string path, string prefix) =>
        path.StartsWith(prefix, StringComparison.Ordinal) &&
        (path.Length == prefix.Length || prefix[^1] == '/' || path[prefix.Length] == '/');

    private static Entry Parse(string raw, string parameterName)
    {
        if (string.IsNullOrWhiteSpace(raw) || raw.Trim().Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"The URL allow-list entry '{raw}' is empty or holds white space; write a host (example.com), a wildcard (*.example.com) or a URL (https://example.com/docs).", parameterName);
        }

        var text = raw.Trim();
        string? scheme = null;
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd > 0)
        {
            scheme = text[..schemeEnd].ToLowerInvariant();
            text = text[(schemeEnd + 3)..];
        }

        if (scheme is null && text.Contains('/', StringComparison.Ordinal) && IPNetwork.TryParse(text, out var network))
        {
            return new Entry(network.BaseAddress.ToString(), false, null, null, network);
        }

        string? path = null;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            path = text[slash..];
            text = text[..slash];
            if (path == "/")
            {
                path = null;
            }
        }

        var wildcard = text.StartsWith("*.", StringComparison.Ordinal);
        if (wildcard)
        {
            text = text[2..];
        }

        string host;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            host = close > 1 ? text[1..close].ToLowerInvariant() : string.Empty;
        }
        else
        {
            var colon = text.LastIndexOf(':');
            host = UrlHost.NormalizeName(colon >= 0 ? text[..colon] : text);
        }

        if (host.Length == 0 || host.Contains('*', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The URL allow-list entry '{raw}' names no host; write a host (example.com), a wildcard (*.example.com) or a URL (https://example.com/docs).", parameterName);
        }

        return new Entry(host, wildcard, scheme, path, null);
    }

    private sealed record Entry(string Host, bool Wildcard, string? Scheme, string? PathPrefix, IPNetwork? Network);
}
