using System.Globalization;
using Microsoft.Data.Sqlite;

namespace SafeOpenAI.Sqlite;

/// <summary>
/// Applies numbered, never-edited migrations to one schema of a SQLite file, recording each in that
/// schema's version table: the one migration mechanism of the audit tables and the review tables,
/// which may share a file.
/// </summary>
internal static class SqliteMigrator
{
    /// <summary>
    /// Applies every migration of <paramref name="migrations"/> the file does not have yet, up to
    /// <paramref name="targetVersion"/>, inside <paramref name="transaction"/>.
    /// </summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="transaction">The transaction to run in (an immediate one, so concurrent first openers apply each migration once).</param>
    /// <param name="versionTable">The schema's version table, for example <c>schema_migrations</c>.</param>
    /// <param name="migrations">The migrations; version N is element N - 1.</param>
    /// <param name="targetVersion">The version to reach, 1 to the number of migrations.</param>
    /// <param name="schemaName">The schema's name in error messages, for example <c>audit</c>.</param>
    /// <exception cref="NotSupportedException">The file has a newer version of the schema than <paramref name="migrations"/> knows.</exception>
    public static void Apply(SqliteConnection connection, SqliteTransaction transaction, string versionTable, IReadOnlyList<string> migrations, int targetVersion, string schemaName)
    {
        Execute(connection, $"CREATE TABLE IF NOT EXISTS {versionTable} (version INTEGER NOT NULL PRIMARY KEY, applied_utc TEXT NOT NULL);", transaction);
        var current = ReadVersion(connection, versionTable, transaction);
        if (current > migrations.Count)
        {
            throw new NotSupportedException($"The {schemaName} tables of this database have schema version {current}; this library knows versions up to {migrations.Count}.");
        }

        for (var version = current + 1; version <= targetVersion; version++)
        {
            Execute(connection, migrations[version - 1], transaction);
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO {versionTable} (version, applied_utc) VALUES ($version, $applied);";
            insert.Parameters.AddWithValue("$version", version);
            insert.Parameters.AddWithValue("$applied", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            insert.ExecuteNonQuery();
        }
    }

    /// <summary>Reads the schema version a file has: 0 when the version table does not exist.</summary>
    public static int ReadVersion(SqliteConnection connection, string versionTable, SqliteTransaction? transaction = null)
    {
        if (!HasTable(connection, versionTable, transaction))
        {
            return 0;
        }

        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = $"SELECT COALESCE(MAX(version), 0) FROM {versionTable};";
        return Convert.ToInt32(read.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>Whether the file has a table of this name.</summary>
    public static bool HasTable(SqliteConnection connection, string table, SqliteTransaction? transaction = null)
    {
        using var exists = connection.CreateCommand();
        exists.Transaction = transaction;
        exists.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $name;";
        exists.Parameters.AddWithValue("$name", table);
        return Convert.ToInt64(exists.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Runs one statement.</summary>
    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
