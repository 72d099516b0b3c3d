using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace SafeOpenAI.Sqlite;

/// <summary>
/// Opens connections to the file holding the human review tables, migrated on first use: one
/// connection per operation, from Microsoft.Data.Sqlite's pool unless the connection string turns
/// pooling off. Each connection waits for another process's write lock through SQLite's own busy
/// handler for the connection's <c>Default Timeout</c>. Thread-safe.
/// </summary>
internal sealed class SqliteReviewDatabase
{
    private readonly string _connectionString;
    private readonly string _synchronous;
    private readonly object _migrationGate = new();
    private volatile bool _migrated;

    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The connection string is blank, malformed, names no file or an in-memory database.</exception>
    public SqliteReviewDatabase(SqliteHumanReviewOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("SqliteHumanReviewOptions.ConnectionString is required, for example 'Data Source=review.db'.", nameof(options));
        }

        var builder = new SqliteConnectionStringBuilder(options.ConnectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.Mode == SqliteOpenMode.Memory || builder.DataSource == ":memory:")
        {
            throw new ArgumentException("The SQLite review store needs a database file shared by every process (for example 'Data Source=review.db'); in-memory databases are neither durable nor shared.", nameof(options));
        }

        _connectionString = builder.ToString();
        _synchronous = options.SyncEveryCommit ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;";
    }

    /// <summary>Opens a connection with the busy timeout and sync level set, migrating the file first if this instance has not yet.</summary>
    /// <exception cref="SqliteException">The file cannot be opened or migrated.</exception>
    /// <exception cref="NotSupportedException">The file has a newer review schema than this library knows.</exception>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // SQLite's busy handler retries within milliseconds of the lock's release; without it, a
            // command that meets another process's write lock is retried by Microsoft.Data.Sqlite in coarse sleeps.
            SqliteException.ThrowExceptionForRC(raw.sqlite3_busy_timeout(connection.Handle, checked(connection.DefaultTimeout * 1000)), connection.Handle);
            using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = _synchronous;
                pragma.ExecuteNonQuery();
            }

            if (!_migrated)
            {
                lock (_migrationGate)
                {
                    if (!_migrated)
                    {
                        SqliteReviewSchema.Migrate(connection);
                        _migrated = true;
                    }
                }
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
