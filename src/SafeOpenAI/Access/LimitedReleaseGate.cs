using System.Buffers.Binary;
using System.Globalization;

namespace SafeOpenAI;

/// <summary>
/// Decides whether a caller is admitted while the limited-release gate is on (see
/// <see cref="LimitedReleaseOptions"/> for the rule and the bucket derivation). Thread-safe: immutable after construction.
/// </summary>
internal sealed class LimitedReleaseGate
{
    /// <summary>The number of buckets users are spread over: percentages have two decimals.</summary>
    public const int Buckets = 10_000;

    private readonly HashSet<string> _allowed;
    private readonly int _admittedBuckets;
    private readonly bool _admitAnonymous;
    private readonly SafetyHasher _hasher;

    /// <summary>Creates the gate.</summary>
    /// <param name="options">The validated options; read once.</param>
    /// <param name="hasher">Computes the keyed safety identifier the bucket is taken from.</param>
    public LimitedReleaseGate(LimitedReleaseOptions options, SafetyHasher hasher)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(hasher);
        _allowed = new HashSet<string>(options.AllowedUsers, StringComparer.Ordinal);
        _admittedBuckets = (int)Math.Round(Math.Clamp(options.Percentage, 0, 100) * (Buckets / 100), MidpointRounding.AwayFromZero);
        _admitAnonymous = options.AdmitAnonymous;
        _hasher = hasher;
    }

    /// <summary>Returns the reason a caller is not admitted (<c>anonymous</c> or <c>not_in_release</c>), or <see langword="null"/> when admitted.</summary>
    /// <param name="identity">The caller.</param>
    /// <returns>The refusal reason, or <see langword="null"/>.</returns>
    public string? Refuse(SafetyIdentity identity)
    {
        if (string.IsNullOrEmpty(identity.UserId))
        {
            return _admitAnonymous ? null : "anonymous";
        }

        if (_allowed.Contains(identity.UserId) || BucketOf(_hasher.ComputeSafetyIdentifier(identity.UserId)) < _admittedBuckets)
        {
            return null;
        }

        return "not_in_release";
    }

    /// <summary>The bucket (0–9,999) of a safety identifier: its first 8 bytes as a big-endian unsigned integer, modulo <see cref="Buckets"/>.</summary>
    /// <param name="safetyIdentifier">The hexadecimal safety identifier (at least 16 hex digits).</param>
    /// <returns>The bucket.</returns>
    public static int BucketOf(string safetyIdentifier)
    {
        Span<byte> bytes = stackalloc byte[8];
        for (var i = 0; i < 8; i++)
        {
            bytes[i] = byte.Parse(safetyIdentifier.AsSpan(2 * i, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        }

        return (int)(BinaryPrimitives.ReadUInt64BigEndian(bytes) % Buckets);
    }
}
