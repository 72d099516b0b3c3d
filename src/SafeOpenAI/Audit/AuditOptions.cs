namespace SafeOpenAI;

/// <summary>
/// Options of the audit trail (configuration section <c>SafeOpenAI:Audit</c>). By default a record
/// holds keyed hashes of the input and the answer, never their text.
/// </summary>
public sealed class AuditOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether records also keep the raw user text and the answer,
    /// encrypted with <see cref="ContentKey"/> (AES-256-GCM, see <see cref="AuditContentProtector"/>).
    /// Off by default: turn it on only when the application's privacy notice allows keeping
    /// conversations. Raw text is never written unencrypted.
    /// </summary>
    public bool CaptureContent { get; set; }

    /// <summary>
    /// Gets or sets the key that encrypts captured content: 32 random bytes, base64-encoded (44
    /// characters, for example from <c>openssl rand -base64 32</c>). Required when
    /// <see cref="CaptureContent"/> is on; keep it in a secret store, never next to the audit file.
    /// </summary>
    public string? ContentKey { get; set; }
}
