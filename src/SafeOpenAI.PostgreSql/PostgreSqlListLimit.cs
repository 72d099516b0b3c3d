using System.Globalization;

namespace SafeOpenAI.PostgreSql;

/// <summary>The bound on <see cref="ReviewListQuery.Limit"/> and <see cref="FeedbackQuery.Limit"/>: 1 to 10,000 rows, as their contracts say.</summary>
internal static class PostgreSqlListLimit
{
    public const int Max = 10_000;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is not between 1 and <see cref="Max"/>; the message names <paramref name="queryType"/>.</exception>
    public static void Check(int limit, string queryType, string paramName)
    {
        if (limit is < 1 or > Max)
        {
            throw new ArgumentOutOfRangeException(paramName, limit, string.Create(CultureInfo.InvariantCulture, $"{queryType}.Limit must be between 1 and {Max} (was {limit})."));
        }
    }
}
