namespace SafeOpenAI;

/// <summary>
/// Where the fixed UTC windows of <see cref="BudgetWindow"/> start and end. Every tracker uses the
/// same arithmetic, so a window in memory and a window in a shared store are the same window.
/// </summary>
/// <remarks>Pure functions; thread-safe.</remarks>
public static class BudgetWindows
{
    /// <summary>Gets the start of the window that contains an instant.</summary>
    /// <param name="window">The window kind.</param>
    /// <param name="instant">The instant (any offset; converted to UTC).</param>
    /// <returns>The window's first instant, in UTC (offset zero).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is not defined.</exception>
    public static DateTimeOffset StartOf(BudgetWindow window, DateTimeOffset instant)
    {
        var utc = instant.UtcDateTime;
        var start = window switch
        {
            BudgetWindow.Minute => new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, DateTimeKind.Utc),
            BudgetWindow.Hour => new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, DateTimeKind.Utc),
            BudgetWindow.Day => new DateTime(utc.Year, utc.Month, utc.Day, 0, 0, 0, DateTimeKind.Utc),
            BudgetWindow.Month => new DateTime(utc.Year, utc.Month, 1, 0, 0, 0, DateTimeKind.Utc),
            _ => throw new ArgumentOutOfRangeException(nameof(window), window, "Unknown budget window."),
        };
        return new DateTimeOffset(start);
    }

    /// <summary>Gets the end of the window that contains an instant: the start of the next one.</summary>
    /// <param name="window">The window kind.</param>
    /// <param name="instant">The instant.</param>
    /// <returns>The first instant after the window, in UTC; usage committed in the window resets then.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is not defined.</exception>
    public static DateTimeOffset EndOf(BudgetWindow window, DateTimeOffset instant)
    {
        var start = StartOf(window, instant);
        return window switch
        {
            BudgetWindow.Minute => start.AddMinutes(1),
            BudgetWindow.Hour => start.AddHours(1),
            BudgetWindow.Day => start.AddDays(1),
            _ => start.AddMonths(1),
        };
    }
}
