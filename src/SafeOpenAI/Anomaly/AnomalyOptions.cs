namespace SafeOpenAI;

/// <summary>
/// Options of the <see cref="AnomalyMonitor"/> (configuration section <c>SafeOpenAI:Anomaly</c>).
/// </summary>
public sealed class AnomalyOptions
{
    /// <summary>Gets or sets a value indicating whether the monitor watches calls. On by default.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets how long a user who trips an abuse rule is suspended. Default: 1 hour.</summary>
    public TimeSpan SuspensionCooldown { get; set; } = TimeSpan.FromHours(1);
}
