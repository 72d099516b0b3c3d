using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace SafeOpenAI.Cli;

/// <summary>
/// A SHA-256 fingerprint of the part of a <c>SafeOpenAI</c> configuration section that decides what an
/// attack meets: every key and value except secrets, stores, alert delivery, the limited-release gate and
/// the deployment declarations. <c>safeopenai redteam</c> records it in its report and
/// <c>safeopenai check</c> compares it with the configuration it audits, so a recorded run is known to
/// have attacked the pipeline that configuration declares.
/// </summary>
/// <remarks>
/// Keys are compared case-insensitively, as configuration does: each key is lower-cased, pairs are
/// sorted ordinally and hashed as <c>key=value</c> lines (UTF-8). Excluded: <c>ApiKey</c>,
/// <c>Endpoint</c>, <c>Identity:HashKey</c>, <c>Audit:ContentKey</c>, <c>Review:MaterialKey</c>, and the
/// sections <c>Audit:Sqlite</c>, <c>Review:Sqlite</c>, <c>PostgreSql</c>, <c>Redis</c>, <c>Alerts</c>, <c>Access</c>,
/// <c>Deployment</c>: none of them changes what a stage decides, and secrets must not be hashed into a
/// report (a fingerprint of a short secret can be guessed). Stateless; thread-safe.
/// </remarks>
internal static class ConfigurationFingerprint
{
    private static readonly string[] ExcludedKeys =
    [
        "apikey", "endpoint", "identity:hashkey", "audit:contentkey", "review:materialkey",
    ];

    private static readonly string[] ExcludedSections =
    [
        "audit:sqlite", "review:sqlite", "postgresql", "redis", "alerts", "access", "deployment",
    ];

    /// <summary>Computes the fingerprint of a <c>SafeOpenAI</c> section.</summary>
    /// <param name="section">The section; an absent section has the fingerprint of no keys.</param>
    /// <returns><c>sha256:</c> and 64 lower-case hexadecimal digits.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="section"/> is null.</exception>
    public static string Compute(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var lines = section.AsEnumerable(makePathsRelative: true)
            .Where(pair => pair.Value is not null)
            .Select(pair => (Key: pair.Key.ToLowerInvariant(), pair.Value))
            .Where(pair => !IsExcluded(pair.Key))
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => pair.Key + "=" + pair.Value);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines)));
        return "sha256:" + Convert.ToHexString(hash).ToLower(CultureInfo.InvariantCulture);
    }

    private static bool IsExcluded(string key) =>
        ExcludedKeys.Contains(key, StringComparer.Ordinal)
        || ExcludedSections.Any(section => key == section || key.StartsWith(section + ":", StringComparison.Ordinal));
}
