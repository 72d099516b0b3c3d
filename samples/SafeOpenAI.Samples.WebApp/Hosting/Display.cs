using System.Globalization;

namespace SafeOpenAI.Samples.WebApp.Hosting;

/// <summary>How the pages write times, money and tokens: invariant culture, UTC, units named.</summary>
public static class Display
{
    /// <summary>Writes a time as <c>2026-01-31 14:05:09 UTC</c>.</summary>
    /// <param name="time">The time.</param>
    /// <returns>The text.</returns>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>Writes a time, or a dash when there is none.</summary>
    /// <param name="time">The time, or <see langword="null"/>.</param>
    /// <returns>The text.</returns>
    public static string Time(DateTimeOffset? time) => time is { } value ? Time(value) : "—";

    /// <summary>Writes a cost in USD with six decimals (model calls cost fractions of a cent), or a dash when unknown.</summary>
    /// <param name="usd">The cost in USD, or <see langword="null"/>.</param>
    /// <returns>The text, for example <c>0.000123 USD</c>.</returns>
    public static string Usd(decimal? usd) => usd is { } value ? value.ToString("0.000000", CultureInfo.InvariantCulture) + " USD" : "—";

    /// <summary>Writes billed tokens as <c>input in / output out</c>, or a dash when the model was not reached.</summary>
    /// <param name="usage">The usage, or <see langword="null"/>.</param>
    /// <returns>The text.</returns>
    public static string Tokens(TokenUsage? usage) => usage is null
        ? "—"
        : string.Create(CultureInfo.InvariantCulture, $"{usage.InputTokens} in / {usage.OutputTokens} out ({usage.TotalTokens} tokens)");

    /// <summary>Writes a duration in milliseconds.</summary>
    /// <param name="duration">The duration.</param>
    /// <returns>The text, for example <c>12.3 ms</c>.</returns>
    public static string Milliseconds(TimeSpan duration) => duration.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms";

    /// <summary>Shortens a hash or id for display: its first 12 characters and an ellipsis.</summary>
    /// <param name="value">The value, or <see langword="null"/>.</param>
    /// <returns>The text, or a dash when there is none.</returns>
    public static string Abbreviated(string? value) => value switch
    {
        null or "" => "—",
        { Length: <= 12 } => value,
        _ => string.Concat(value.AsSpan(0, 12), "…"),
    };
}
