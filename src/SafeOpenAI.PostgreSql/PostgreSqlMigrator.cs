using System.Globalization;
using Npgsql;

namespace SafeOpenAI.PostgreSql;

/// <summary>
/// Applies numbered, never-edited migrations to one part of SafeOpenAI's PostgreSQL schema (the audit
/// tables, the review tables), recording each in that part's version table in the <c>safeopenai</c>
/// schema. Safe to run from several instances at once: each run holds a transaction-scoped advisory
/// lock (<c>pg_advisory_xact_lock</c>) named after the version table, so exactly one instance applies a
/// given migration and the others find it applied.
/// </summary>
internal static class PostgreSqlMigrator
{
    /// <summary>The PostgreSQL schema every SafeOpenAI table lives in.</summary>
    public const string Schema = "safeopenai";

    /// <summary>
    /// Applies every migration of <paramref name="migrations"/> the database does not have yet, up to
    /// <paramref name="targetVersion"/>, in one transaction under the part's advisory lock.
    /// </summary>
    /// <param name="connection">An open connection, not in a transaction.</param>
    /// <param name="versionTable">The part's version table, unqualified, for example <c>audit_schema_migrations</c>.</param>
    /// <param name="migrations">The migrations; version N is element N - 1. Each may hold several statements.</param>
    /// <param name="targetVersion">The version to reach, 1 to the number of migrations.</param>
    /// <param name="partName">The part's name in error messages, for example <c>audit</c>.</param>
    /// <param name="cancellationToken">Cancels the migration (the transaction rolls back).</param>
    /// <returns>The version the database had before.</returns>
    /// <exception cref="NotSupportedException">The database has a newer version of the part than <paramref name="migrations"/> knows.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="targetVersion"/> is not between 1 and the number of migrations.</exception>
    /// <exception cref="NpgsqlException">The server refused a statement or the connection failed.</exception>
    public static async Task<int> ApplyAsync(NpgsqlConnection connection, string versionTable, IReadOnlyList<string> migrations, int targetVersion, string partName, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(targetVersion, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(targetVersion, migrations.Count);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            // Taken before anything is created, so that first starts racing on an empty database
            // serialize here instead of failing on CREATE SCHEMA's catalog row.
            await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0));", cancellationToken, Schema + "." + versionTable).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"CREATE SCHEMA IF NOT EXISTS {Schema};", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(
                connection,
                transaction,
                $"CREATE TABLE IF NOT EXISTS {Schema}.{versionTable} (version integer NOT NULL PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());",
                cancellationToken).ConfigureAwait(false);
            var current = await ReadVersionAsync(connection, transaction, versionTable, cancellationToken).ConfigureAwait(false);
            if (current > migrations.Count)
            {
                throw new NotSupportedException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"The {partName} tables of this database have schema version {current}; this library knows versions up to {migrations.Count}. Update SafeOpenAI.PostgreSql."));
            }

            for (var version = current + 1; version <= targetVersion; version++)
            {
                await ExecuteAsync(connection, transaction, migrations[version - 1], cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, $"INSERT INTO {Schema}.{versionTable} (version) VALUES ($1);", cancellationToken, version).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return current;
        }
    }

    /// <summary>Reads the version of one part: 0 when its version table does not exist.</summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="transaction">The transaction to read in, or <see langword="null"/>.</param>
    /// <param name="versionTable">The part's version table, unqualified.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The newest applied version, or 0.</returns>
    public static async Task<int> ReadVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string versionTable, CancellationToken cancellationToken)
    {
        using var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL;", connection, transaction);
        exists.Parameters.Add(new NpgsqlParameter { Value = Schema + "." + versionTable });
        if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
        {
            return 0;
        }

        using var read = new NpgsqlCommand($"SELECT COALESCE(MAX(version), 0) FROM {Schema}.{versionTable};", connection, transaction);
        return Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
