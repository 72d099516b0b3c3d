using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Npgsql;
using SafeOpenAI.Benchmarks.Sqlite;
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
    private long _next;

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

    private Task WriteAsync(PostgreSqlAuditSink sink) =>
        Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < RecordsPerInvoke / Callers; i++)
            {
                await sink.WriteAsync(NextRecord(), CancellationToken.None).ConfigureAwait(false);
            }
        })));

    private AuditRecord NextRecord() => new()
    {
        AuditId = Guid.NewGuid().ToString("N") + Interlocked.Increment(ref _next),
        Timestamp = DateTimeOffset.UtcNow,
        SafetyIdentifier = "5f1d0c6f3a2b4e8d9c7a6b5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c",
        SessionHash = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
        Model = "gpt-4o-mini",
        Outcome = AuditOutcome.Completed,
        InputHash = "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0",
        OutputHash = "1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef",
        VerdictCodes = ["PromptInjection:allowed", "Moderation:allowed", "Model:model.completed", "Moderation:allowed"],
        Usage = new TokenUsage(850, 120, 512, 0),
        CostUsd = 0.00019950m,
        Duration = TimeSpan.FromMilliseconds(812),
        StageDurations =
        [
            new AuditStageDuration("PromptInjection", SafetyPhase.Input, TimeSpan.FromTicks(2100)),
            new AuditStageDuration("Moderation", SafetyPhase.InputModeration, TimeSpan.FromMilliseconds(95)),
            new AuditStageDuration("Model", SafetyPhase.Model, TimeSpan.FromMilliseconds(640)),
            new AuditStageDuration("Moderation", SafetyPhase.OutputModeration, TimeSpan.FromMilliseconds(77)),
        ],
        ModerationScores =
        [
            new AuditModerationScore(SafetyPhase.InputModeration, "harassment", 0.0012, false),
            new AuditModerationScore(SafetyPhase.OutputModeration, "violence", 0.0008, false),
        ],
    };

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new RecordsPerSecondColumn());
    }
}
