using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Npgsql;
using SafeOpenAI.PostgreSql;
using SafeOpenAI.Testing;

namespace SafeOpenAI.Benchmarks.PostgreSql;

/// <summary>
/// Sustained audit records per second into PostgreSQL with 256 concurrent callers, each awaiting its own
/// commit: <see cref="PostgreSqlAuditSink"/> with its default batching (one binary <c>COPY</c> per batch,
/// up to 500 records in one transaction) against the same sink with <c>MaxBatchSize = 1</c> (one <c>INSERT</c>
/// per record), in the same run, on a private <see cref="LocalPostgreSqlServer"/> (127.0.0.1, <c>fsync=off</c>)
/// started in GlobalSetup and stopped in GlobalCleanup. Each invocation stores <see cref="RecordsPerInvoke"/>
/// records; the reported time is per record and the Records/s column is 1e9 / Mean(ns).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class PostgreSqlAuditWriteBenchmarks
{
    private const int RecordsPerInvoke = 5_120;
    private const int Callers = 256;

    private LocalPostgreSqlServer _server = null!;
    private PostgreSqlDatabase _batchedDatabase = null!;
    private PostgreSqlDatabase _singleDatabase = null!;
    private PostgreSqlAuditSink _batched = null!;
    private PostgreSqlAuditSink _single = null!;
    private readonly BenchmarkAuditRecords _records = new();

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = await LocalPostgreSqlServer.StartAsync();
        _batchedDatabase = await OpenAsync("batched");
        _singleDatabase = await OpenAsync("single");
        _batched = new PostgreSqlAuditSink(_batchedDatabase, new PostgreSqlAuditOptions());
        _single = new PostgreSqlAuditSink(_singleDatabase, new PostgreSqlAuditOptions { MaxBatchSize = 1 });
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _batched.DisposeAsync();
        await _single.DisposeAsync();
        await _batchedDatabase.DisposeAsync();
        await _singleDatabase.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = RecordsPerInvoke)]
    public Task OneInsertPerRecord256Callers() => WriteAsync(_single);

    [Benchmark(OperationsPerInvoke = RecordsPerInvoke)]
    public Task BatchedCopy256Callers() => WriteAsync(_batched);

    private async Task<PostgreSqlDatabase> OpenAsync(string prefix)
    {
        var database = new PostgreSqlDatabase(NpgsqlDataSource.Create(await _server.CreateDatabaseAsync(prefix)), [PostgreSqlAuditSchema.Part]);
        await database.EnsureMigratedAsync(CancellationToken.None);
        return database;
    }

    private Task WriteAsync(PostgreSqlAuditSink sink) => _records.WriteConcurrentlyAsync(sink, Callers, RecordsPerInvoke);

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(PerSecondColumn.Records());
    }
}
