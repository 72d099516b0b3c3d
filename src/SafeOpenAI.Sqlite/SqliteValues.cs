using Microsoft.Data.Sqlite;

namespace SafeOpenAI.Sqlite;

/// <summary>Conversions between nullable .NET values and SQLite columns shared by the review and feedback rows: times are UTC ticks.</summary>
internal static class SqliteValues
{
    public static object Text(string? value) => value is null ? DBNull.Value : value;

    public static object Ticks(DateTimeOffset? value) => value is { } time ? time.UtcTicks : DBNull.Value;

    public static string? Text(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static DateTimeOffset Time(SqliteDataReader reader, int ordinal) => new(reader.GetInt64(ordinal), TimeSpan.Zero);

    public static DateTimeOffset? TimeOrNull(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Time(reader, ordinal);
}
