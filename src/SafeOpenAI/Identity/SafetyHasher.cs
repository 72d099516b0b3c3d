using System.Security.Cryptography;
using System.Text;

namespace SafeOpenAI;

/// <summary>
/// Keyed hashing of end-user ids, session ids and content: the <c>safety_identifier</c> sent to
/// OpenAI and the hashes in audit records. HMAC-SHA256 (RFC 2104) under sub-keys derived from one
/// configured secret with HKDF-SHA256 (RFC 5869), one sub-key per purpose, so a hash made for one
/// purpose cannot be matched against another. Thread-safe; dispose it to free the per-thread HMAC
/// instances (the dependency-injection container does).
/// </summary>
public sealed class SafetyHasher : IDisposable
{
    private const int MaxSafetyIdentifierLength = 64;

    // User and session ids recur call after call; an HMAC costs about a microsecond of fixed
    // OpenSSL work, so their hashes are remembered. Bounded: the cache is emptied when full.
    private const int MaxCachedIds = 8_192;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _identifierCache = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _sessionCache = new(StringComparer.Ordinal);

    private readonly byte[]? _identifierKey;
    private readonly byte[]? _sessionKey;
    private readonly byte[]? _contentKey;

    // One HMAC instance per thread keeps OpenSSL's key set-up out of each content hash (about a
    // microsecond per call); HMACSHA256 instances are not thread-safe, hence one per thread.
    private readonly ThreadLocal<HMACSHA256>? _contentHmac;

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
        var contentKey = _contentKey;
        _contentHmac = new ThreadLocal<HMACSHA256>(() => new HMACSHA256(contentKey), trackAllValues: true);
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
        var identifier = Cached(_identifierCache, userId, static (hasher, id) => Hash(hasher._identifierKey, "safety-identifier:", id));
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
        return Cached(_sessionCache, sessionId, static (hasher, id) => Hash(hasher._sessionKey, "session:", id));
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
        if (_contentHmac is null)
        {
            return Hash(null, "content:", content);
        }

        var byteCount = Encoding.UTF8.GetByteCount(content);
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            var written = Encoding.UTF8.GetBytes(content, rented);
            Span<byte> digest = stackalloc byte[32];
            _contentHmac.Value!.TryComputeHash(rented.AsSpan(0, written), digest, out _);
            return ToLowerHex(digest);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }

    /// <summary>Frees the per-thread HMAC instances.</summary>
    public void Dispose()
    {
        if (_contentHmac is null)
        {
            return;
        }

        foreach (var hmac in _contentHmac.Values)
        {
            hmac.Dispose();
        }

        _contentHmac.Dispose();
    }

    private string Cached(System.Collections.Concurrent.ConcurrentDictionary<string, string> cache, string id, Func<SafetyHasher, string, string> hash)
    {
        if (cache.TryGetValue(id, out var known))
        {
            return known;
        }

        if (cache.Count >= MaxCachedIds)
        {
            cache.Clear();
        }

        return cache.GetOrAdd(id, static (key, state) => state.hash(state.hasher, key), (hasher: this, hash));
    }

    private static string ToLowerHex(ReadOnlySpan<byte> digest) =>
#if NET9_0_OR_GREATER
        Convert.ToHexStringLower(digest);
#else
        Convert.ToHexString(digest).ToLowerInvariant();
#endif

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

            return ToLowerHex(digest);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }
}
