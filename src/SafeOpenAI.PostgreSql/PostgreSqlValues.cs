using Npgsql;
using NpgsqlTypes;

namespace SafeOpenAI.PostgreSql;

/// <summary>
/// Positional parameters (<c>$1</c>, <c>$2</c>, ...) and nullable columns shared by the review and feedback rows.
/// Every parameter carries its type, so a NULL is sent as a typed NULL rather than one the server must guess.
/// Times are .NET UTC ticks.
/// </summary>
internal static class PostgreSqlValues
{
    public static void Text(NpgsqlCommand command, string? value) =>
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = value is null ? DBNull.Value : value });

    public static void Integer(NpgsqlCommand command, int? value) =>
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = value is { } number ? number : DBNull.Value });

    public static void Bigint(NpgsqlCommand command, long value) =>
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = value });

    public static void Ticks(NpgsqlCommand command, DateTimeOffset? value) =>
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = value is { } time ? time.UtcTicks : DBNull.Value });

    public static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static DateTimeOffset Time(NpgsqlDataReader reader, int ordinal) => new(reader.GetInt64(ordinal), TimeSpan.Zero);

    public static DateTimeOffset? TimeOrNull(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Time(reader, ordinal);
}
