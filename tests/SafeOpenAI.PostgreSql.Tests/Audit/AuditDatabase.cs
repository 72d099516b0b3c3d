using Npgsql;

namespace SafeOpenAI.PostgreSql.Tests.Audit;

/// <summary>A fresh database on a private server with the audit schema's data source, and the sinks and stores a test makes over it, disposed together.</summary>
internal sealed class AuditDatabase : IAsyncDisposable
{
    private readonly List<PostgreSqlAuditSink> _sinks = [];

    private AuditDatabase(string connectionString)
    {
        ConnectionString = connectionString;
        Database = new PostgreSqlDatabase(NpgsqlDataSource.Create(connectionString), [PostgreSqlAuditSchema.Part]);
    }

    public string ConnectionString { get; }

    public PostgreSqlDatabase Database { get; }

    /// <summary>Creates a fresh database on the assembly's server.</summary>
    public static async Task<AuditDatabase> CreateAsync() => new(await PostgreSqlServerFixture.CreateDatabaseAsync());

    /// <summary>Creates a fresh database on <paramref name="server"/>, whose connections add <paramref name="extra"/> to the connection string.</summary>
    public static async Task<AuditDatabase> CreateAsync(SafeOpenAI.Testing.LocalPostgreSqlServer server, string extra = "") => new(await server.CreateDatabaseAsync() + extra);

    public PostgreSqlAuditSink Sink(Action<PostgreSqlAuditOptions>? configure = null)
    {
        var options = new PostgreSqlAuditOptions();
        configure?.Invoke(options);
        var sink = new PostgreSqlAuditSink(Database, options);
        _sinks.Add(sink);
        return sink;
    }

    public PostgreSqlAuditStore Store() => new(Database);

    /// <summary>Runs <paramref name="sql"/> on its own connection and returns the first column of the first row as a number.</summary>
    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sink in _sinks)
        {
            await sink.DisposeAsync();
        }

        await Database.DisposeAsync();
    }
}
