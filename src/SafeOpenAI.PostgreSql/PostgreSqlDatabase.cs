using Npgsql;

namespace SafeOpenAI.PostgreSql;

/// <summary>
/// The one <see cref="NpgsqlDataSource"/> (connection pool) every SafeOpenAI store of a container shares,
/// and the migration of the schema parts they use, run once before the first connection is handed out.
/// </summary>
/// <remarks>
/// A failed migration (server down at start) is not remembered: the next <see cref="OpenAsync"/> tries
/// again, so an application that starts before its database recovers by itself. Thread-safe.
/// </remarks>
internal sealed class PostgreSqlDatabase : IAsyncDisposable
{
    private readonly IReadOnlyList<PostgreSqlSchemaPart> _parts;
    private readonly SemaphoreSlim _migrationGate = new(1, 1);
    private volatile bool _migrated;

    /// <summary>Creates the database over a data source it owns and disposes.</summary>
    /// <param name="dataSource">The data source.</param>
    /// <param name="parts">The schema parts to migrate, in order.</param>
    public PostgreSqlDatabase(NpgsqlDataSource dataSource, IReadOnlyList<PostgreSqlSchemaPart> parts)
    {
        DataSource = dataSource;
        _parts = parts;
    }

    /// <summary>Gets the data source.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>Migrates the schema if this instance has not yet, then opens a pooled connection.</summary>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>An open connection; dispose it to return it to the pool.</returns>
    /// <exception cref="NpgsqlException">The server cannot be reached or refused a migration.</exception>
    /// <exception cref="NotSupportedException">The database has a newer schema than this library knows.</exception>
    public async ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        return await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies every migration the database lacks, once per instance; concurrent callers wait for the one that runs.</summary>
    /// <param name="cancellationToken">Cancels the wait or the migration.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    public async Task EnsureMigratedAsync(CancellationToken cancellationToken)
    {
        if (_migrated)
        {
            return;
        }

        await _migrationGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_migrated)
            {
                return;
            }

            var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                foreach (var part in _parts)
                {
                    await PostgreSqlMigrator.ApplyAsync(connection, part.VersionTable, part.Migrations, part.LatestVersion, part.Name, cancellationToken).ConfigureAwait(false);
                }
            }

            _migrated = true;
        }
        finally
        {
            _migrationGate.Release();
        }
    }

    /// <summary>Disposes the data source, closing its pooled connections.</summary>
    /// <returns>A task that completes when the pool is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync().ConfigureAwait(false);
        _migrationGate.Dispose();
    }
}
