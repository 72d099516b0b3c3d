using Npgsql;

namespace SafeOpenAI.PostgreSql;

/// <summary>Checks Npgsql connection strings where they are configured, so a bad one fails at registration naming what is wrong.</summary>
internal static class PostgreSqlConnectionStrings
{
    /// <summary>Parses <paramref name="connectionString"/> and requires a host.</summary>
    /// <param name="connectionString">The connection string.</param>
    /// <param name="paramName">The parameter to name in the exception.</param>
    /// <returns>The connection string, unchanged.</returns>
    /// <exception cref="ArgumentException">It is blank, cannot be parsed (the parser's message is kept, with no value of the string), or names no host.</exception>
    public static string Validate(string? connectionString, string paramName)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException("PostgreSqlStoreOptions.ConnectionString is required, for example 'Host=db;Database=app;Username=app;Password=...'.", paramName);
        }

        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            // The parser's message names the bad keyword; the string itself may hold a password, so it is not repeated.
            throw new ArgumentException($"PostgreSqlStoreOptions.ConnectionString cannot be parsed: {e.Message}", paramName, e);
        }

        if (string.IsNullOrWhiteSpace(parsed.Host))
        {
            throw new ArgumentException("PostgreSqlStoreOptions.ConnectionString names no Host.", paramName);
        }

        return connectionString;
    }
}
