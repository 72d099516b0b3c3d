namespace SafeOpenAI;

/// <summary>
/// The limited-release gate, bound from <c>SafeOpenAI:Access:LimitedRelease</c>: while it is on,
/// only admitted users reach the model; the others get <see cref="UserAccessCodes.NotAdmitted"/>
/// in <see cref="SafetyPhase.Access"/>, before any budget is reserved and before anything is sent.
/// A user is admitted when listed in <see cref="AllowedUsers"/>, or when the stable bucket of
/// their keyed safety identifier falls within <see cref="Percentage"/>; a call without a user id
/// is admitted only with <see cref="AdmitAnonymous"/>. Read once when the pipeline is built.
/// </summary>
/// <remarks>
/// The bucket is the first 8 bytes of the user's safety identifier (HMAC-SHA256 of the user id
/// under the key derived from <c>SafeOpenAI:Identity:HashKey</c>), read as a big-endian unsigned
/// 64-bit integer, modulo 10,000; the user is admitted when the bucket is below
/// <see cref="Percentage"/> × 100. The same user therefore gets the same answer on every instance
/// and after restarts, as long as the hash key is the same; raising the percentage only adds users.
/// (In the unkeyed development mode, <c>SafeOpenAI:Identity:AllowUnkeyedHashing</c>, the identifier
/// is a plain SHA-256 and the bucket is stable but guessable.) Not thread-safe: set the options
/// before the host starts; the pipeline copies them once.
/// </remarks>
public sealed class LimitedReleaseOptions
{
    /// <summary>Gets or sets a value indicating whether the gate is on (<c>Enabled</c>). Default <see langword="false"/>: everyone is admitted.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Gets the user ids always admitted (<c>AllowedUsers:&lt;n&gt;</c>), compared ordinally with
    /// <see cref="SafetyIdentity.UserId"/> as the application passes it. Empty by default.
    /// </summary>
    public IList<string> AllowedUsers { get; } = new List<string>();

    /// <summary>
    /// Gets or sets the share of the other users admitted, in percent (0–100, steps of 0.01).
    /// Default 0. The users are chosen by a stable bucket of their keyed safety identifier.
    /// </summary>
    public double Percentage { get; set; }

    /// <summary>Gets or sets a value indicating whether calls without a user id are admitted (<c>AdmitAnonymous</c>). Default <see langword="false"/>.</summary>
    public bool AdmitAnonymous { get; set; }
}
