using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Data.Sqlite;
using SafeOpenAI.Sqlite;

namespace SafeOpenAI.Benchmarks.Sqlite;

/// <summary>
/// Sustained audit records per second into a SQLite file: <see cref="SqliteAuditSink"/> (batched
/// background writer, each caller awaiting its own commit) with 16 and 256 concurrent callers,
/// against one record per transaction with the same prepared statements, schema and pragmas (WAL,
/// synchronous=NORMAL; SQLite's automatic checkpoint instead of the sink's background one) in the same run. Each invocation stores <see cref="RecordsPerInvoke"/> records;
/// the reported time is per record and the Records/s column is 1e9 / Mean(ns).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 8)]
public class AuditWriteBenchmarks
{
    private const int RecordsPerInvoke = 10_000;

    private string _directory = null!;
    private SqliteAuditSink _sink = null!;
    private SqliteConnection _naive = null!;
    private SqliteAuditStatements _naiveStatements = null!;
    private long _next;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("safeopenai-audit-bench-").FullName;
        _sink = new SqliteAuditSink(new SqliteAuditOptions { ConnectionString = "Data Source=" + Path.Combine(_directory, "batched.db") });

        // The baseline: same schema and pragmas (built by a sink that is disposed at once), the sink's
        // own statements, one transaction per record.
        var naivePath = "Data Source=" + Path.Combine(_directory, "naive.db");
        new SqliteAuditSink(new SqliteAuditOptions { ConnectionString = naivePath }).Dispose();
        _naive = new SqliteConnection(naivePath + ";Pooling=False");
        _naive.Open();
        _naiveStatements = new SqliteAuditStatements(_naive);
        using (var pragma = _naive.CreateCommand())
        {
            // SQLite's own checkpoint (every 1,000 WAL pages, inside the commit): a single connection has no background checkpointer.
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=1000;";
            pragma.ExecuteNonQuery();
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _sink.DisposeAsync();
        _naiveStatements.Dispose();
        await _naive.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = RecordsPerInvoke)]
    public void OneInsertPerRecord()
    {
        var one = new SqliteAuditRow[1];
        for (var i = 0; i < RecordsPerInvoke; i++)
        {
            one[0] = new SqliteAuditRow(NextRecord());
            _naiveStatements.Commit(one);
        }
    }

    [Benchmark(OperationsPerInvoke = RecordsPerInvoke)]
    public Task BatchedWriter16Callers() => Callers(16);

    [Benchmark(OperationsPerInvoke = RecordsPerInvoke)]
    public Task BatchedWriter256Callers() => Callers(256);

    private Task Callers(int callers) =>
        Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < RecordsPerInvoke / callers; i++)
            {
                await _sink.WriteAsync(NextRecord(), CancellationToken.None).ConfigureAwait(false);
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
