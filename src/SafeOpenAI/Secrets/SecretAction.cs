namespace SafeOpenAI;

/// <summary>What <see cref="SecretsGuard"/> does with a secret it finds.</summary>
public enum SecretAction
{
    /// <summary>Replace the secret with <c>&lt;SECRET_n&gt;</c> (code <c>secret.redacted</c>); the secret is never restored.</summary>
    Redact = 0,

    /// <summary>Block the request with code <c>secret.blocked:&lt;KIND&gt;</c>.</summary>
    Block = 1,
}
