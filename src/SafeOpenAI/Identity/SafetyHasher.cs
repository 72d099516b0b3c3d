using System.Security.Cryptography;
using System.Text;

namespace SafeOpenAI;

/// <summary>
/// Keyed hashing of end-user ids, session ids and content: the <c>safety_identifier</c> sent to
/// OpenAI and the hashes in audit records. HMAC-SHA256 (RFC 2104) under sub-keys derived from one
/// configured secret with HKDF-SHA256 (RFC 5869), one sub-key per purpose, so a hash made for one
/// purpose cannot be matched against another. Stateless and thread-safe.
/// </summary>
public sealed class SafetyHasher
{
    private const int MaxSafetyIdentifierLength = 64;

    private readonly byte[]? _identifierKey;
    private readonly byte[]? _sessionKey;
    private readonly byte[]? _contentKey;

    /// <summary>Creates a hasher from the identity options.</summary>
    /// <param name="options">The options; <see cref="SafetyIdentifierOptions.HashKey"/> is required unless unkeyed hashing is allowed.</param>
    /// <exception cref="ArgumentException">No key is set and unkeyed hashing is not allowed, or the key is shorter than 32 characters.</exception>
    public SafetyHasher(SafetyIdentifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.HashKey))
        {
            if (!options.AllowUnkeyedHashing)
            {
                throw new ArgumentException(
                    "SafeOpenAI:Identity:HashKey is required to hash end-user ids; set SafeOpenAI:Identity:AllowUnkeyedHashing=true for development only.",
                    nameof(options));
            }

            IsKeyed = false;
            return;
        }

        if (options.HashKey.Length < 32)
        {
            throw new ArgumentException("SafeOpenAI:Identity:HashKey must be at least 32 characters.", nameof(options));
        }

        var secret = Encoding.UTF8.GetBytes(options.HashKey);
        _identifierKey = DeriveKey(secret, "safeopenai/safety-identifier/v1");
        _sessionKey = DeriveKey(secret, "safeopenai/session/v1");
        _contentKey = DeriveKey(secret, "safeopenai/content/v1");
        IsKeyed = true;
    }

    /// <summary>Gets a value indicating whether hashes are keyed (<see langword="false"/> only in the development mode without a key).</summary>
    public bool IsKeyed { get; }

    /// <summary>Computes the <c>safety_identifier</c> for an end-user id: 64 lowercase hexadecimal characters (OpenAI's limit is 64).</summary>
    /// <param name="userId">The application's end-user id.</param>
    /// <returns>The identifier; equal ids give equal identifiers under the same key.</returns>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is null or empty.</exception>
    public string ComputeSafetyIdentifier(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var identifier = Hash(_identifierKey, "safety-identifier:", userId);
        System.Diagnostics.Debug.Assert(identifier.Length <= MaxSafetyIdentifierLength, "OpenAI accepts at most 64 characters.");
        return identifier;
    }

    /// <summary>Hashes a session id for audit records and per-session limits: 64 lowercase hexadecimal characters.</summary>
    /// <param name="sessionId">The application's session id.</param>
    /// <returns>The hash.</returns>
    /// <exception cref="ArgumentException"><paramref name="sessionId"/> is null or empty.</exception>
    public string HashSessionId(string sessionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        return Hash(_sessionKey, "session:", sessionId);
    }

    /// <summary>
    /// Hashes content (a prompt, an answer) for audit records: equal content gives equal hashes, so
    /// an incident responder holding a text can find its records, but a record never reveals the text.
    /// </summary>
    /// <param name="content">The content; may be empty.</param>
    /// <returns>64 lowercase hexadecimal characters.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="content"/> is null.</exception>
    public string HashContent(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return Hash(_contentKey, "content:", content);
    }

    private static byte[] DeriveKey(byte[] secret, string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, outputLength: 32, salt: [], info: Encoding.UTF8.GetBytes(purpose));

    private static string Hash(byte[]? key, string unkeyedLabel, string value)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(byteCount + unkeyedLabel.Length);
        try
        {
            Span<byte> digest = stackalloc byte[32];
            if (key is not null)
            {
                var written = Encoding.UTF8.GetBytes(value, rented);
                HMACSHA256.HashData(key, rented.AsSpan(0, written), digest);
            }
            else
            {
                // Development mode: a purpose label keeps the unkeyed hashes of different purposes apart.
                var written = Encoding.UTF8.GetBytes(unkeyedLabel, rented);
                written += Encoding.UTF8.GetBytes(value, rented.AsSpan(written));
                SHA256.HashData(rented.AsSpan(0, written), digest);
            }

            return Convert.ToHexString(digest).ToLowerInvariant();
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }
}
