namespace SafeOpenAI;

/// <summary>
/// The period a <see cref="BudgetLimit"/> counts over. Windows are fixed (not sliding) and in UTC:
/// a minute, hour or day starts on the UTC minute, hour or midnight, and a month is the calendar
/// month (from 00:00 UTC on its first day). Committed usage resets when a window ends; see
/// <see cref="BudgetWindows"/> for the arithmetic.
/// </summary>
public enum BudgetWindow
{
    /// <summary>One UTC minute (60 seconds).</summary>
    Minute,

    /// <summary>One UTC hour (3,600 seconds).</summary>
    Hour,

    /// <summary>One UTC day (86,400 seconds, from midnight UTC).</summary>
    Day,

    /// <summary>One calendar month in UTC (28 to 31 days, from 00:00 UTC on the first).</summary>
    Month,
}
