namespace SafeOpenAI;

/// <summary>
/// How end-user ids are turned into OpenAI's <c>safety_identifier</c> and how audit hashes are
/// keyed (configuration section <c>SafeOpenAI:Identity</c>).
/// </summary>
/// <remarks>
/// OpenAI asks for a stable end-user id that does not reveal the user (OpenAI, "Safety best
/// practices: end-user IDs" and the <c>safety_identifier</c> parameter: at most 64 characters).
/// SafeOpenAI sends HMAC-SHA256 of the user id under a key derived from <see cref="HashKey"/>,
/// so the identifier is stable across processes and machines but cannot be reversed or
/// recomputed without the key.
/// </remarks>
public sealed class SafetyIdentifierOptions
{
    /// <summary>
    /// Gets or sets the secret key (at least 32 characters; keep it in a secret store) from which
    /// the identifier and audit hash keys are derived with HKDF-SHA256. Required unless
    /// <see cref="AllowUnkeyedHashing"/> is set.
    /// </summary>
    public string? HashKey { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether plain SHA-256 may be used when no
    /// <see cref="HashKey"/> is set. For development only: unkeyed hashes of guessable ids
    /// (e-mail addresses, small integers) can be reversed by trying candidates. Default <see langword="false"/>.
    /// </summary>
    public bool AllowUnkeyedHashing { get; set; }
}
