using System.Security.Claims;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SafeOpenAI.PostgreSql;
using SafeOpenAI.Sqlite;
using SafeOpenAI.Testing;

namespace SafeOpenAI.Benchmarks.PostgreSql;

/// <summary>
/// Review claim throughput under load: 8 reviewers, 4 on each of two <see cref="HumanReviewQueue"/>s standing for two
/// application instances (each over its own store and connection pool, on one shared database), call
/// <see cref="HumanReviewQueue.ClaimNextAsync"/> until the <see cref="Reviews"/> open reviews are all claimed.
/// PostgreSQL claims in one <c>UPDATE ... (SELECT ... FOR UPDATE SKIP LOCKED)</c> on a private
/// <see cref="LocalPostgreSqlServer"/>; SQLite (one WAL file, for comparison) reads the open reviews and claims by
/// compare-and-set, moving on after a lost race. Each invocation checks that every review was claimed exactly once
/// and throws otherwise. One operation is one claim; the reviews are submitted before, and decided after, each
/// iteration (not measured).
/// </summary>
[Config(typeof(Config))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[InvocationCount(1, 1)]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class ReviewClaimBenchmarks
{
    /// <summary>Reviews claimed per invocation.</summary>
    public const int Reviews = 200;

    private const string Key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private const int ReviewersPerInstance = 4;

    private static readonly ReviewMaterial Material = new(
        [new ReviewMessage(MessageRole.User, "Can I take 400 mg of ibuprofen with my blood pressure tablets?")],
        "Ibuprofen can raise blood pressure; ask your pharmacist before taking it.",
        [],
        []);

    private LocalPostgreSqlServer? _server;
    private readonly List<IAsyncDisposable> _disposables = [];
    private string _directory = null!;
    private HumanReviewQueue[] _queues = [];
    private Action _decideOpenReviews = null!;
    private int _next;

    /// <summary>Gets or sets the store the two instances share.</summary>
    [Params("PostgreSql", "Sqlite")]
    public string Store { get; set; } = "PostgreSql";

    [GlobalSetup]
    public async Task Setup()
    {
        var protector = new AuditContentProtector(Key);
        var options = new HumanReviewOptions { MaterialKey = Key, Deadline = TimeSpan.FromDays(1) };
        var authorization = new RoleReviewerAuthorization(options.ReviewerRole);
        IReviewStore[] stores;
        if (Store == "PostgreSql")
        {
            _server = await LocalPostgreSqlServer.StartAsync();
            var connectionString = await _server.CreateDatabaseAsync("claims");
            var a = new PostgreSqlReviewStore(connectionString);
            var b = new PostgreSqlReviewStore(connectionString);
            _disposables.Add(a);
            _disposables.Add(b);
            stores = [a, b];
            _decideOpenReviews = () => Execute(new NpgsqlConnection(connectionString), "UPDATE safeopenai.review_items SET status = 4, outcome = 2, decided_by = 'benchmark', decided_ticks = 0, version = version + 1 WHERE status IN (0, 1, 2);");
        }
        else
        {
            _directory = Directory.CreateTempSubdirectory("safeopenai-claim-bench-").FullName;
            var file = "Data Source=" + Path.Combine(_directory, "review.db");
            stores = [new SqliteReviewStore(file), new SqliteReviewStore(file)];
            _decideOpenReviews = () => Execute(new SqliteConnection(file), "UPDATE review_items SET status = 4, outcome = 2, decided_by = 'benchmark', decided_ticks = 0, version = version + 1 WHERE status IN (0, 1, 2);");
        }

        _queues = [.. stores.Select(s => new HumanReviewQueue(s, (IReviewAccessLog)s, authorization, protector, options, TimeProvider.System, NullLoggerFactory.Instance))];
    }

    [IterationSetup]
    public void SubmitReviews()
    {
        for (var i = 0; i < Reviews; i++)
        {
            var queue = _queues[i % _queues.Length];
            queue.SubmitAsync(new ReviewSubmission("audit-" + _next++, null, "healthcare", new SafetyVerdict("RiskDomainReview", SafetyAction.Review, "review.risk_domain"), Material), CancellationToken.None)
                .GetAwaiter().GetResult();
        }
    }

    [IterationCleanup]
    public void DecideReviews() => _decideOpenReviews();

    /// <summary>8 reviewers on two instances claim all <see cref="Reviews"/> open reviews.</summary>
    /// <returns>The number of claims.</returns>
    /// <exception cref="InvalidOperationException">A review was claimed twice, or one was left unclaimed.</exception>
    [Benchmark(OperationsPerInvoke = Reviews)]
    public async Task<int> EightReviewersOnTwoInstances()
    {
        var reviewers = Enumerable.Range(0, ReviewersPerInstance * _queues.Length).Select(r => Task.Run(async () =>
        {
            var queue = _queues[r % _queues.Length];
            var reviewer = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "reviewer-" + r), new Claim(ClaimTypes.Role, "safeopenai-reviewer")], "benchmark"));
            var mine = new List<string>();
            while (await queue.ClaimNextAsync(reviewer, null, CancellationToken.None).ConfigureAwait(false) is { } claimed)
            {
                mine.Add(claimed.ReviewId);
            }

            return mine;
        })).ToArray();
        var claims = (await Task.WhenAll(reviewers).ConfigureAwait(false)).SelectMany(c => c).ToArray();
        var distinct = claims.Distinct(StringComparer.Ordinal).Count();
        if (distinct != claims.Length || claims.Length != Reviews)
        {
            throw new InvalidOperationException($"{claims.Length} claims of {distinct} distinct reviews; expected each of {Reviews} reviews claimed exactly once.");
        }

        return claims.Length;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        foreach (var queue in _queues)
        {
            queue.Dispose();
        }

        foreach (var disposable in _disposables)
        {
            await disposable.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_directory is not null)
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static void Execute(System.Data.Common.DbConnection connection, string sql)
    {
        using (connection)
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(PerSecondColumn.Claims());
    }
}
