using System.Security.Cryptography;

namespace SafeOpenAI;

/// <summary>
/// The one protector of review material, released answers, notes and feedback comments in a
/// container: under <see cref="HumanReviewOptions.MaterialKey"/>, or under a random key drawn once
/// per process when that is unset and no store is durable. A separate type from the audit content
/// protector, so the two keys are never confused in the container. Thread-safe.
/// </summary>
internal sealed class ReviewMaterialProtector
{
    private ReviewMaterialProtector(AuditContentProtector protector, bool isEphemeral)
    {
        Protector = protector;
        IsEphemeral = isEphemeral;
    }

    /// <summary>Gets the protector.</summary>
    public AuditContentProtector Protector { get; }

    /// <summary>Gets a value indicating whether the key was drawn at random for this process (nothing it protects survives a restart).</summary>
    public bool IsEphemeral { get; }

    /// <summary>Creates the protector for the configured key and stores.</summary>
    /// <param name="materialKey">The configured key, or null or empty for a random one.</param>
    /// <param name="sectionPath">The configuration section, for the message (for example <c>SafeOpenAI</c>).</param>
    /// <param name="stores">The registered stores; any marked <see cref="IDurableReviewStore"/> requires the key.</param>
    /// <exception cref="InvalidOperationException">A store is durable and no key is configured, or the key is not 32 base64-encoded bytes.</exception>
    public static ReviewMaterialProtector Create(string? materialKey, string sectionPath, IEnumerable<object?> stores)
    {
        if (!string.IsNullOrEmpty(materialKey))
        {
            try
            {
                return new ReviewMaterialProtector(new AuditContentProtector(materialKey), isEphemeral: false);
            }
            catch (ArgumentException ex)
            {
                throw new InvalidOperationException($"{sectionPath}:Review:MaterialKey must be 32 random bytes, base64-encoded (44 characters, for example from 'openssl rand -base64 32').", ex);
            }
        }

        if (stores.FirstOrDefault(static s => s is IDurableReviewStore) is { } durable)
        {
            throw new InvalidOperationException(
                $"{sectionPath}:Review:MaterialKey is required with the durable store {durable.GetType().FullName}: review material is encrypted under it, "
                + "and a random key per process could not read what another process, or this one before a restart, wrote. "
                + "Set 32 random bytes, base64-encoded (for example from 'openssl rand -base64 32').");
        }

        return new ReviewMaterialProtector(new AuditContentProtector(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))), isEphemeral: true);
    }
}
