using System.Text;
using System.Text.RegularExpressions;

namespace SafeOpenAI;

/// <summary>
/// Finds provider API keys, tokens and private keys in a text (<see cref="SecretKinds"/>), with one
/// <see cref="RegexOptions.NonBacktracking"/> expression (linear time) for the known formats,
/// JSON validation of JWT headers, and a Shannon-entropy scan for unknown tokens next to a context
/// word. Thread-safe; <see cref="Default"/> is shared.
/// </summary>
/// <remarks>
/// High-entropy rule (after detect-secrets and gitleaks): a token of 20–512 characters from
/// <c>[A-Za-z0-9+/=_\-.]</c> with at least three of lower case, upper case, digits and symbols,
/// Shannon entropy of at least <see cref="EntropyThreshold"/> bits per character, and one of the
/// words key, secret, token, password, passwd, pwd, credential, auth, bearer, api within 32
/// characters before it.
/// </remarks>
public sealed class SecretDetector
{
    /// <summary>The minimum Shannon entropy, in bits per character, of a generic secret: 3.5 (a random base64 token of 20+ characters scores 4 or more; English words score below 3.5).</summary>
    public const double EntropyThreshold = 3.5;

    private static readonly Regex s_known = new(
        @"(?<PRIVATE_KEY>-----BEGIN[A-Z ]* PRIVATE KEY( BLOCK)?-----[A-Za-z0-9+/=\s:,\-]*?-----END[A-Z ]* PRIVATE KEY( BLOCK)?-----)" +
        @"|(?<OPENAI_API_KEY>sk-(proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,})" +
        @"|(?<AWS_ACCESS_KEY_ID>(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16})" +
        @"|(?<AWS_SECRET_ACCESS_KEY>aws_?secret_?(access_?)?key[""']?\s{0,3}[:=]\s{0,3}[""']?[A-Za-z0-9/+=]{40})" +
        @"|(?<GITHUB_TOKEN>(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}))" +
        @"|(?<SLACK_TOKEN>xox[abposr]-[A-Za-z0-9\-]{10,})" +
        @"|(?<STRIPE_KEY>[spr]k_live_[A-Za-z0-9]{10,})" +
        @"|(?<GOOGLE_API_KEY>AIza[A-Za-z0-9_\-]{35})" +
        @"|(?<AZURE_STORAGE_KEY>AccountKey=[A-Za-z0-9+/=]{40,})" +
        @"|(?<JWT>eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{0,})",
        RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture,
        TimeSpan.FromSeconds(2));

    private static readonly string[] s_groupNames =
    [
        SecretKinds.PrivateKey, SecretKinds.OpenAIApiKey, SecretKinds.AwsAccessKeyId, SecretKinds.AwsSecretAccessKey, SecretKinds.GitHubToken,
        SecretKinds.SlackToken, SecretKinds.StripeKey, SecretKinds.GoogleApiKey, SecretKinds.AzureStorageKey, SecretKinds.Jwt,
    ];

    private static readonly string[] s_contextWords = ["key", "secret", "token", "password", "passwd", "pwd", "credential", "auth", "bearer", "api"];

    private readonly bool _highEntropy;

    /// <summary>Creates a detector.</summary>
    /// <param name="detectHighEntropyTokens">Whether to report unknown high-entropy tokens next to a context word; default <see langword="true"/>.</param>
    public SecretDetector(bool detectHighEntropyTokens = true)
    {
        _highEntropy = detectHighEntropyTokens;
    }

    /// <summary>Gets a detector with every rule on.</summary>
    public static SecretDetector Default { get; } = new();

    /// <summary>Finds the secrets in a text.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The findings, ordered by start, not overlapping.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public IReadOnlyList<SecretFinding> Detect(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length < 20)
        {
            return [];
        }

        List<SecretFinding>? found = null;
        if (MayContainKnown(text))
        {
            foreach (Match match in s_known.Matches(text))
            {
                var kind = KindOf(match);
                if (kind is null || (kind == SecretKinds.Jwt && !IsJwt(match.ValueSpan)))
                {
                    continue;
                }

                var start = match.Index;
                var end = match.Index + match.Length;
                if (kind == SecretKinds.AzureStorageKey)
                {
                    start += "AccountKey=".Length;
                }
                else if (kind == SecretKinds.AwsSecretAccessKey)
                {
                    start = end - 40;
                }

                (found ??= []).Add(new SecretFinding(kind, start, end));
            }
        }

        if (_highEntropy)
        {
            ScanHighEntropy(text, ref found);
        }

        if (found is null)
        {
            return [];
        }

        found.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        return found;
    }

    /// <summary>Computes the Shannon entropy of a string, in bits per character.</summary>
    /// <param name="value">The string.</param>
    /// <returns>The entropy; 0 for an empty string.</returns>
    public static double ShannonEntropy(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return 0;
        }

        Span<int> counts = stackalloc int[128];
        var other = 0;
        foreach (var c in value)
        {
            if (c < 128)
            {
                counts[c]++;
            }
            else
            {
                other++;
            }
        }

        double entropy = 0;
        foreach (var count in counts)
        {
            if (count > 0)
            {
                var p = (double)count / value.Length;
                entropy -= p * Math.Log2(p);
            }
        }

        if (other > 0)
        {
            var p = (double)other / value.Length;
            entropy -= p * Math.Log2(p);
        }

        return entropy;
    }

    // Cheap check: every known format contains one of these markers.
    private static bool MayContainKnown(string text) =>
        text.Contains("sk-", StringComparison.Ordinal) || text.Contains("AKIA", StringComparison.Ordinal) || text.Contains("ASIA", StringComparison.Ordinal)
        || text.Contains('A') && (text.Contains("AGPA", StringComparison.Ordinal) || text.Contains("AIDA", StringComparison.Ordinal) || text.Contains("AROA", StringComparison.Ordinal) || text.Contains("ANPA", StringComparison.Ordinal) || text.Contains("ANVA", StringComparison.Ordinal) || text.Contains("AIPA", StringComparison.Ordinal) || text.Contains("AIza", StringComparison.Ordinal) || text.Contains("AccountKey=", StringComparison.Ordinal))
        || text.Contains("secret", StringComparison.OrdinalIgnoreCase) || text.Contains("ghp_", StringComparison.Ordinal) || text.Contains("gho_", StringComparison.Ordinal) || text.Contains("ghu_", StringComparison.Ordinal) || text.Contains("ghs_", StringComparison.Ordinal) || text.Contains("ghr_", StringComparison.Ordinal) || text.Contains("github_pat_", StringComparison.Ordinal)
        || text.Contains("xox", StringComparison.Ordinal) || text.Contains("k_live_", StringComparison.Ordinal) || text.Contains("eyJ", StringComparison.Ordinal)
        || text.Contains("-----BEGIN", StringComparison.Ordinal);

    private static string? KindOf(Match match)
    {
        foreach (var name in s_groupNames)
        {
            if (match.Groups[name].Success)
            {
                return name;
            }
        }

        return null;
    }

    internal static bool IsJwt(ReadOnlySpan<char> token)
    {
        var dot = token.IndexOf('.');
        if (dot <= 0)
        {
            return false;
        }

        var header = token[..dot];
        var padded = new StringBuilder(header.Length + 3);
        foreach (var c in header)
        {
            padded.Append(c switch { '-' => '+', '_' => '/', _ => c });
        }

        while (padded.Length % 4 != 0)
        {
            padded.Append('=');
        }

        try
        {
            var bytes = Convert.FromBase64String(padded.ToString());
            using var doc = System.Text.Json.JsonDocument.Parse(bytes);
            return doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object && doc.RootElement.TryGetProperty("alg", out _);
        }
        catch (FormatException)
        {
            return false;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '_' or '-' or '.';

    private static void ScanHighEntropy(string text, ref List<SecretFinding>? found)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (!IsTokenChar(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && IsTokenChar(text[i]))
            {
                i++;
            }

            var length = i - start;
            if (length is < 20 or > 512)
            {
                continue;
            }

            var token = text.AsSpan(start, length);
            if (Overlaps(found, start, i) || !MixedClasses(token) || ShannonEntropy(token) < EntropyThreshold || !PiiContext.HasWordBefore(text, start, s_contextWords))
            {
                continue;
            }

            (found ??= []).Add(new SecretFinding(SecretKinds.HighEntropy, start, i));
        }
    }

    private static bool Overlaps(List<SecretFinding>? found, int start, int end)
    {
        if (found is null)
        {
            return false;
        }

        foreach (var f in found)
        {
            if (start < f.End && f.Start < end)
            {
                return true;
            }
        }

        return false;
    }

    private static bool MixedClasses(ReadOnlySpan<char> token)
    {
        bool lower = false, upper = false, digit = false, symbol = false;
        foreach (var c in token)
        {
            lower |= char.IsAsciiLetterLower(c);
            upper |= char.IsAsciiLetterUpper(c);
            digit |= char.IsAsciiDigit(c);
            symbol |= !char.IsAsciiLetterOrDigit(c);
        }

        return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (symbol ? 1 : 0) >= 3;
    }
}
