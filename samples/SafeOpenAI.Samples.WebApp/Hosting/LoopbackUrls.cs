using System.Net;

namespace SafeOpenAI.Samples.WebApp.Hosting;

/// <summary>
/// The addresses Kestrel listens on. The sample listens on the loopback interface only: it has demo
/// users with published passwords, so it must not be reachable from another machine.
/// </summary>
public static class LoopbackUrls
{
    /// <summary>The address used when <c>--urls</c> (or <c>ASPNETCORE_URLS</c>) sets none: <c>http://127.0.0.1:5080</c>.</summary>
    public const string Default = "http://127.0.0.1:5080";

    /// <summary>Returns the configured addresses, or <see cref="Default"/>, after checking that each is a loopback address.</summary>
    /// <param name="configured">The <c>urls</c> setting: addresses separated by semicolons, or <see langword="null"/>.</param>
    /// <returns>The addresses to listen on.</returns>
    /// <exception cref="InvalidOperationException">An address is not an absolute http(s) URL on 127.0.0.1, [::1] or localhost.</exception>
    public static IReadOnlyList<string> Resolve(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return [Default];
        }

        var urls = configured.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new InvalidOperationException($"The listen address '{url}' is not an absolute http or https URL.");
            }

            if (!IsLoopback(uri.Host))
            {
                throw new InvalidOperationException(
                    $"The listen address '{url}' is not a loopback address. The web sample listens on 127.0.0.1, [::1] or localhost only, because its demo users' passwords are published.");
            }
        }

        return urls;
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
