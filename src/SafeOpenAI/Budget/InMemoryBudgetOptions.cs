namespace SafeOpenAI;

/// <summary>
/// Per-user limits kept by <see cref="InMemoryBudgetTracker"/> (configuration section
/// <c>SafeOpenAI:Budget</c>). "Per user" means per safety identifier; anonymous calls share the
/// subject <c>anonymous</c>. A <see langword="null"/> limit is not enforced.
/// </summary>
public sealed class InMemoryBudgetOptions
{
    /// <summary>Gets or sets the most tokens (prompt plus output) one user may spend per <see cref="TokenWindow"/>. Default 200,000.</summary>
    public long? TokensPerWindow { get; set; } = 200_000;

    /// <summary>Gets or sets the length of the token window; windows are fixed and aligned to the Unix epoch. Default one hour.</summary>
    public TimeSpan TokenWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the most requests one user may make per minute (a token bucket refilled every second). Default 60.</summary>
    public int? RequestsPerMinute { get; set; } = 60;
}
