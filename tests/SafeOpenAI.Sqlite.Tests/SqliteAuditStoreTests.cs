namespace SafeOpenAI.Sqlite.Tests;

public class SqliteAuditStoreTests
{
    private static readonly string Alice = new('a', 64);
    private static readonly string Bob = new('b', 64);

    private TempDatabase _db = null!;

    [OneTimeSetUp]
    public async Task WriteRecords()
    {
        _db = new TempDatabase();
        await using var sink = new SqliteAuditSink(_db.Options());
        AuditRecord[] records =
        [
            Records.Minimal("1", Records.T0.AddMinutes(1), Alice),
            Records.Minimal("2", Records.T0.AddMinutes(2), Alice, AuditOutcome.Blocked, "Moderation:moderation.flagged:violence"),
            Records.Minimal("3", Records.T0.AddMinutes(3), Bob, AuditOutcome.Blocked, "InjectionGuard:injection.detected"),
            WithReview(Records.Minimal("4", Records.T0.AddMinutes(4), Bob, AuditOutcome.PendingReview, "Model:model.completed", "Moderation:moderation.flagged:self-harm"), "rev-4"),
            Records.Minimal("5", Records.T0.AddMinutes(5), null, AuditOutcome.Failed),
            Records.Minimal("6", Records.T0.AddMinutes(6), Alice, AuditOutcome.Completed, "Model:model.completed", "Moderation:moderation.allowed"),
        ];
        foreach (var record in records)
        {
            await sink.WriteAsync(record, CancellationToken.None);
        }
    }

    [OneTimeTearDown]
    public void Delete() => _db.Dispose();

    [Test]
    public async Task A_record_is_read_back_by_its_id_and_an_unknown_id_reads_null()
    {
        var reader = _db.Store();
        var record = await reader.GetAsync("3", CancellationToken.None);
        Assert.That(record, Is.Not.Null);
        Assert.That(record!.SafetyIdentifier, Is.EqualTo(Bob));
        Assert.That(record.VerdictCodes, Does.Contain("InjectionGuard:injection.detected"));
        Assert.That(await reader.GetAsync("no-such-call", CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task A_file_no_audit_writer_has_touched_reads_null_instead_of_failing()
    {
        using var fresh = new TempDatabase();
        // Another process created the file for its review tables only.
        await fresh.ReviewStore().GetAsync("any", CancellationToken.None);
        Assert.That(await fresh.Store().GetAsync("any", CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Everything_newest_first() =>
        Assert.That(await Ids(new AuditQuery()), Is.EqualTo(new[] { "6", "5", "4", "3", "2", "1" }));

    [Test]
    public async Task By_user() =>
        Assert.That(await Ids(new AuditQuery { SafetyIdentifier = Alice }), Is.EqualTo(new[] { "6", "2", "1" }));

    [Test]
    public async Task By_time_range_since_inclusive_until_exclusive() =>
        Assert.That(await Ids(new AuditQuery { Since = Records.T0.AddMinutes(2), Until = Records.T0.AddMinutes(5) }), Is.EqualTo(new[] { "4", "3", "2" }));

    [Test]
    public async Task By_exact_verdict_code() =>
        Assert.That(await Ids(new AuditQuery { VerdictCode = "moderation.flagged:violence" }), Is.EqualTo(new[] { "2" }));

    [Test]
    public async Task By_verdict_code_family() =>
        Assert.That(await Ids(new AuditQuery { VerdictCode = "moderation.flagged" }), Is.EqualTo(new[] { "4", "2" }));

    [Test]
    public async Task Flagged_only_is_blocked_or_pending_review() =>
        Assert.That(await Ids(new AuditQuery { FlaggedOnly = true }), Is.EqualTo(new[] { "4", "3", "2" }));

    [Test]
    public async Task Criteria_combine_and_the_limit_keeps_the_newest() =>
        Assert.That(await Ids(new AuditQuery { SafetyIdentifier = Bob, FlaggedOnly = true, Since = Records.T0, Limit = 1 }), Is.EqualTo(new[] { "4" }));

    [Test]
    public async Task By_review_id()
    {
        Assert.That(await Ids(new AuditQuery { ReviewId = "rev-4" }), Is.EqualTo(new[] { "4" }));
        Assert.That(await Ids(new AuditQuery { ReviewId = "rev-9" }), Is.Empty);
    }

    [Test]
    public async Task A_code_no_record_has_finds_nothing() =>
        Assert.That(await Ids(new AuditQuery { VerdictCode = "moderation" }), Is.Empty);

    [TestCase(0)]
    [TestCase(AuditQuery.MaxLimit + 1)]
    public void An_out_of_range_limit_is_refused(int limit) =>
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _db.Store().QueryAsync(new AuditQuery { Limit = limit }, CancellationToken.None));

    private static AuditRecord WithReview(AuditRecord record, string reviewId) => new()
    {
        AuditId = record.AuditId,
        Timestamp = record.Timestamp,
        SafetyIdentifier = record.SafetyIdentifier,
        Model = record.Model,
        Outcome = record.Outcome,
        InputHash = record.InputHash,
        VerdictCodes = record.VerdictCodes,
        ReviewId = reviewId,
    };

    private async Task<string[]> Ids(AuditQuery query) =>
        (await _db.Store().QueryAsync(query, CancellationToken.None)).Select(r => r.AuditId).ToArray();
}
