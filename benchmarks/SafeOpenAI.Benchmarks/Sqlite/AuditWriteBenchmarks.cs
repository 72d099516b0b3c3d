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
    private readonly BenchmarkAuditRecords _records = new();

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
            one[0] = new SqliteAuditRow(_records.Next());
            _naiveStatements.Commit(one);
        }
    }

    [Benchmark(OperationsPerInvoke = RecordsPerInvoke)]
    public Task BatchedWriter16Callers() => Callers(16);

    [Benchmark(OperationsPerInvoke = RecordsPerInvoke)]
    public Task BatchedWriter256Callers() => Callers(256);

    private Task Callers(int callers) => _records.WriteConcurrentlyAsync(_sink, callers, RecordsPerInvoke);

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(PerSecondColumn.Records());
    }
}
