using System.Security.Claims;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using SafeOpenAI.Sqlite;

namespace SafeOpenAI.Benchmarks.Sqlite;

/// <summary>
/// The cost of human review and feedback on the SQLite stores against the in-memory ones, each row
/// through the same rules (<see cref="HumanReviewQueue"/>, <see cref="FeedbackInbox"/>):
/// <list type="bullet">
/// <item>Review: one round trip as an application and a reviewer make it: submit a held answer
/// (material encrypted, one insert), open it (one access-log append, one read, decryption), approve it
/// (one read, one access-log append, one compare-and-set).</item>
/// <item>Feedback: one <see cref="FeedbackInbox.ReportAsync"/> (comment encrypted, one insert); the last
/// row also checks the audit id in a SQLite audit file first, as with <c>UseSqliteAudit</c>.</item>
/// </list>
/// SQLite files are fresh per run, in WAL mode with <c>synchronous=NORMAL</c> (the default), on
/// pooled connections. One operation is one round trip or one report.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class ReviewQueueBenchmarks
{
    private const string Key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private const int AuditRecords = 10_000;

    private static readonly SafetyVerdict Reason = new("RiskDomainReview", SafetyAction.Review, "review.risk_domain");
    private static readonly ReviewMaterial Material = new(
        [
            new ReviewMessage(MessageRole.System, "You are a careful assistant for a pharmacy."),
            new ReviewMessage(MessageRole.User, "Can I take 400 mg of ibuprofen with my blood pressure tablets?"),
        ],
        "Ibuprofen can raise blood pressure and weaken some blood pressure medicines; ask your pharmacist before taking it.",
        [],
        [Reason, SafetyVerdict.Allow("Moderation")]);

    private readonly ClaimsPrincipal _reviewer = new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, "carol@example.test"), new Claim(ClaimTypes.Role, "safeopenai-reviewer")], "benchmark"));

    private string _directory = null!;
    private HumanReviewQueue _memoryQueue = null!;
    private HumanReviewQueue _sqliteQueue = null!;
    private FeedbackInbox _memoryInbox = null!;
    private FeedbackInbox _sqliteInbox = null!;
    private FeedbackInbox _sqliteInboxWithAudit = null!;
    private string[] _auditIds = null!;
    private int _next;

    [GlobalSetup]
    public async Task Setup()
    {
        _directory = Directory.CreateTempSubdirectory("safeopenai-review-bench-").FullName;
        var reviewFile = "Data Source=" + Path.Combine(_directory, "review.db");
        var auditFile = "Data Source=" + Path.Combine(_directory, "audit.db");
        var protector = new AuditContentProtector(Key);
        var options = new HumanReviewOptions { MaterialKey = Key };
        var authorization = new RoleReviewerAuthorization(options.ReviewerRole);

        var memory = new InMemoryReviewStore();
        _memoryQueue = new HumanReviewQueue(memory, memory, authorization, protector, options, TimeProvider.System, NullLoggerFactory.Instance);
        var sqlite = new SqliteReviewStore(reviewFile);
        _sqliteQueue = new HumanReviewQueue(sqlite, sqlite, authorization, protector, options, TimeProvider.System, NullLoggerFactory.Instance);

        _memoryInbox = new FeedbackInbox(new InMemoryFeedbackStore(), memory, authorization, protector, TimeProvider.System);
        _sqliteInbox = new FeedbackInbox(new SqliteFeedbackStore(reviewFile), sqlite, authorization, protector, TimeProvider.System);

        // A SQLite audit file of realistic size whose records the reports name.
        _auditIds = [.. Enumerable.Range(0, AuditRecords).Select(_ => Guid.NewGuid().ToString("N"))];
        await using (var sink = new SqliteAuditSink(new SqliteAuditOptions { ConnectionString = auditFile }))
        {
            await Task.WhenAll(_auditIds.Select(id => sink.WriteAsync(AuditRecordFor(id), CancellationToken.None).AsTask()));
        }

        _sqliteInboxWithAudit = new FeedbackInbox(new SqliteFeedbackStore(reviewFile), sqlite, authorization, protector, TimeProvider.System, new SqliteAuditStore(auditFile));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "submit + open + approve, in memory")]
    [BenchmarkCategory("Review")]
    public Task<ReviewDecision> RoundTripInMemory() => RoundTrip(_memoryQueue);

    [Benchmark(Description = "submit + open + approve, SQLite")]
    [BenchmarkCategory("Review")]
    public Task<ReviewDecision> RoundTripSqlite() => RoundTrip(_sqliteQueue);

    [Benchmark(Baseline = true, Description = "ReportAsync, in memory")]
    [BenchmarkCategory("Feedback")]
    public Task<FeedbackReceipt> ReportInMemory() => _memoryInbox.ReportAsync(NextReport(), CancellationToken.None);

    [Benchmark(Description = "ReportAsync, SQLite")]
    [BenchmarkCategory("Feedback")]
    public Task<FeedbackReceipt> ReportSqlite() => _sqliteInbox.ReportAsync(NextReport(), CancellationToken.None);

    [Benchmark(Description = "ReportAsync, SQLite + audit id checked in a SQLite audit file")]
    [BenchmarkCategory("Feedback")]
    public Task<FeedbackReceipt> ReportSqliteWithAuditCheck() => _sqliteInboxWithAudit.ReportAsync(NextReport(), CancellationToken.None);

    private static AuditRecord AuditRecordFor(string auditId) => new()
    {
        AuditId = auditId,
        Timestamp = DateTimeOffset.UtcNow,
        Model = "gpt-4o-mini",
        Outcome = AuditOutcome.Completed,
        InputHash = new string('3', 64),
        VerdictCodes = ["Model:model.completed"],
    };

    private async Task<ReviewDecision> RoundTrip(HumanReviewQueue queue)
    {
        var held = await queue.SubmitAsync(new ReviewSubmission(Guid.NewGuid().ToString("N"), new string('7', 64), "healthcare", Reason, Material), CancellationToken.None);
        await queue.OpenAsync(_reviewer, held.ReviewId, CancellationToken.None);
        return await queue.ApproveAsync(_reviewer, held.ReviewId, "Checked against the label.", CancellationToken.None);
    }

    private FeedbackReport NextReport() =>
        new(_auditIds[Interlocked.Increment(ref _next) % AuditRecords], FeedbackCategory.Wrong, "The dose in this answer is wrong for children.", new string('8', 64));
}
