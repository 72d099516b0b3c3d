using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SafeOpenAI;

/// <summary>
/// The signature of the alert webhook's bodies, and the check a receiver runs on them. The scheme
/// follows Stripe's webhook signatures (HMAC-SHA256 over <c>"&lt;unix timestamp&gt;.&lt;body&gt;"</c>, so a
/// captured request cannot be replayed later; https://docs.stripe.com/webhooks#verify-manually)
/// with GitHub's header format (<c>sha256=&lt;lower-case hex&gt;</c>;
/// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries).
/// Thread-safe (stateless).
/// </summary>
/// <remarks>
/// A request carries <see cref="TimestampHeader"/> (Unix time in seconds, as decimal digits) and
/// <see cref="SignatureHeader"/> (<c>sha256=</c> and the 64 hex digits of
/// HMAC-SHA256(key: UTF-8 of the secret, message: UTF-8 of the timestamp, <c>.</c>, then the raw body bytes)).
/// </remarks>
public static class WebhookAlertSignature
{
    /// <summary>The header with the Unix time, in seconds, at which the body was signed: <c>X-SafeOpenAI-Timestamp</c>.</summary>
    public const string TimestampHeader = "X-SafeOpenAI-Timestamp";

    /// <summary>The header with the signature, <c>sha256=&lt;hex&gt;</c>: <c>X-SafeOpenAI-Signature</c>.</summary>
    public const string SignatureHeader = "X-SafeOpenAI-Signature";

    /// <summary>How far a timestamp may be from the receiver's clock by default: 5 minutes, Stripe's default tolerance.</summary>
    public static TimeSpan DefaultTolerance { get; } = TimeSpan.FromMinutes(5);

    /// <summary>Computes the signature header value of a body.</summary>
    /// <param name="secret">The shared secret.</param>
    /// <param name="unixTimestamp">The Unix time in seconds sent in <see cref="TimestampHeader"/>.</param>
    /// <param name="body">The raw body bytes.</param>
    /// <returns><c>sha256=</c> followed by 64 lower-case hex digits.</returns>
    /// <exception cref="ArgumentException"><paramref name="secret"/> is null or empty.</exception>
    public static string Compute(string secret, long unixTimestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Sign(secret, unixTimestamp.ToString(CultureInfo.InvariantCulture), body, mac);
        return "sha256=" + Convert.ToHexString(mac).ToLowerInvariant();
    }

    /// <summary>
    /// Checks a received body: the timestamp is within <paramref name="tolerance"/> of
    /// <paramref name="now"/> and the signature matches (compared in constant time).
    /// </summary>
    /// <param name="secret">The shared secret.</param>
    /// <param name="timestampHeader">The value of <see cref="TimestampHeader"/>, or <see langword="null"/> when absent.</param>
    /// <param name="signatureHeader">The value of <see cref="SignatureHeader"/>, or <see langword="null"/> when absent.</param>
    /// <param name="body">The raw body bytes, exactly as received (before any JSON parsing).</param>
    /// <param name="now">The receiver's current time.</param>
    /// <param name="tolerance">The largest accepted distance between the timestamp and <paramref name="now"/>; <see langword="null"/> for <see cref="DefaultTolerance"/>.</param>
    /// <returns><see langword="true"/> when the body is authentic and fresh; otherwise <see langword="false"/> (reject the request).</returns>
    /// <exception cref="ArgumentException"><paramref name="secret"/> is null or empty.</exception>
    public static bool Verify(string secret, string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (timestampHeader is null
            || signatureHeader is null
            || !long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || !signatureHeader.StartsWith("sha256=", StringComparison.Ordinal)
            || signatureHeader.Length != "sha256=".Length + (2 * HMACSHA256.HashSizeInBytes))
        {
            return false;
        }

        var distance = Math.Abs(now.ToUnixTimeSeconds() - seconds);
        if (distance > (tolerance ?? DefaultTolerance).TotalSeconds)
        {
            return false;
        }

        byte[] received;
        try
        {
            received = Convert.FromHexString(signatureHeader.AsSpan("sha256=".Length));
        }
        catch (FormatException)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Sign(secret, timestampHeader, body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, received);
    }

    private static void Sign(string secret, string timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp + "."));
        hmac.AppendData(body);
        hmac.GetHashAndReset(destination);
    }
}
