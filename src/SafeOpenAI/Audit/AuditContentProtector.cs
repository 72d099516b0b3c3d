using System.Security.Cryptography;
using System.Text;

namespace SafeOpenAI;

/// <summary>
/// Encrypts the raw text an application opted to keep in its audit records
/// (<see cref="AuditOptions.CaptureContent"/>), and decrypts it for an incident responder who
/// holds the key. AES-256-GCM (NIST SP 800-38D) with a random 96-bit nonce per text and the audit
/// id as associated data, so a ciphertext copied onto another record fails to decrypt.
/// </summary>
/// <remarks>
/// <para>
/// A protected text reads <c>v1.&lt;key id&gt;.&lt;base64 of nonce (12 bytes) | tag (16 bytes) | ciphertext&gt;</c>.
/// The key id is the first 8 hexadecimal characters of the key's SHA-256, so records written
/// under an old key are recognised after a key rotation; the key itself is never stored.
/// </para>
/// <para>Thread-safe: each operation uses its own <see cref="AesGcm"/> instance.</para>
/// </remarks>
public sealed class AuditContentProtector
{
    private const string Version = "v1";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    /// <summary>Creates a protector.</summary>
    /// <param name="base64Key">The key: 32 random bytes (256 bits), base64-encoded, for example from <c>openssl rand -base64 32</c>.</param>
    /// <exception cref="ArgumentException">The key is null, not base64, or not 32 bytes long.</exception>
    public AuditContentProtector(string base64Key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(base64Key);
        var key = new byte[32];
        if (!Convert.TryFromBase64String(base64Key.Trim(), key, out var written) || written != 32)
        {
            throw new ArgumentException("The audit content key must be 32 bytes (256 bits), base64-encoded: 44 characters, for example from 'openssl rand -base64 32'.", nameof(base64Key));
        }

        _key = key;
        KeyId = Convert.ToHexString(SHA256.HashData(key).AsSpan(0, 4)).ToLowerInvariant();
    }

    /// <summary>Gets the key id: the first 8 lowercase hexadecimal characters of the key's SHA-256.</summary>
    public string KeyId { get; }

    /// <summary>Encrypts one text of one audit record.</summary>
    /// <param name="plaintext">The text.</param>
    /// <param name="auditId">The record's audit id, bound to the ciphertext as associated data.</param>
    /// <returns>The protected text (see the remarks of <see cref="AuditContentProtector"/>).</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public string Protect(string plaintext, string auditId)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(auditId);
        var clear = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceSize + TagSize + clear.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(_key, TagSize))
        {
            aes.Encrypt(nonce, clear, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(auditId));
        }

        return Version + "." + KeyId + "." + Convert.ToBase64String(sealedBytes);
    }

    /// <summary>Decrypts a text protected by <see cref="Protect"/> under the same key.</summary>
    /// <param name="protectedText">The protected text.</param>
    /// <param name="auditId">The audit id of the record it was read from.</param>
    /// <returns>The original text.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="FormatException">The text is not a protected text of this format.</exception>
    /// <exception cref="CryptographicException">The text was protected under another key (the message names both key ids), belongs to another record, or was altered.</exception>
    public string Unprotect(string protectedText, string auditId)
    {
        ArgumentNullException.ThrowIfNull(protectedText);
        ArgumentNullException.ThrowIfNull(auditId);
        var parts = protectedText.Split('.');
        if (parts.Length != 3 || parts[0] != Version)
        {
            throw new FormatException("The text is not an audit content ciphertext (expected 'v1.<key id>.<base64>').");
        }

        if (!string.Equals(parts[1], KeyId, StringComparison.Ordinal))
        {
            throw new CryptographicException($"The text was encrypted under key {parts[1]}, not under this key ({KeyId}).");
        }

        var sealedBytes = Convert.FromBase64String(parts[2]);
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            throw new FormatException("The audit content ciphertext is too short.");
        }

        var clear = new byte[sealedBytes.Length - NonceSize - TagSize];
        using (var aes = new AesGcm(_key, TagSize))
        {
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), clear, Encoding.UTF8.GetBytes(auditId));
        }

        return Encoding.UTF8.GetString(clear);
    }
}
