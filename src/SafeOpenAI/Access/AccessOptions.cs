namespace SafeOpenAI;

/// <summary>Who may reach the model at all, bound from <c>SafeOpenAI:Access</c>. Read once when the pipeline is built; not thread-safe to change afterwards.</summary>
public sealed class AccessOptions
{
    /// <summary>Gets the limited-release gate (<c>SafeOpenAI:Access:LimitedRelease</c>): off by default, so every user is admitted.</summary>
    public LimitedReleaseOptions LimitedRelease { get; } = new();
}
