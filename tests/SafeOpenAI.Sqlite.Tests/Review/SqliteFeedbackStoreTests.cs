using static SafeOpenAI.Sqlite.Tests.Review.ReviewRecords;

namespace SafeOpenAI.Sqlite.Tests.Review;

public class SqliteFeedbackStoreTests
{
    private TempDatabase _db = null!;
    private SqliteFeedbackStore _store = null!;

    [SetUp]
    public void Open()
    {
        _db = new TempDatabase();
        _store = _db.FeedbackStore();
    }

    [TearDown]
    public void Delete() => _db.Dispose();

    [Test]
    public async Task Every_field_round_trips_through_add_and_get()
    {
        var entry = FullReport();
        await _store.AddAsync(entry, CancellationToken.None);

        Assert.That(await _store.GetAsync(entry.ReportId, CancellationToken.None), Is.EqualTo(entry));
        Assert.That(_db.Text("SELECT protected_comment FROM feedback_reports"), Is.EqualTo(entry.ProtectedComment));
        Assert.That(_db.Scalar("SELECT received_ticks FROM feedback_reports"), Is.EqualTo(entry.ReceivedAt.UtcTicks));
    }

    [Test]
    public async Task A_triage_replaces_the_report_from_its_version_only()
    {
        var open = Report(Id(1), T0);
        await _store.AddAsync(open, CancellationToken.None);
        Assert.That(await _store.GetAsync(Id(1), CancellationToken.None), Is.EqualTo(open), "nulls stay null");
        var confirmed = FullReport(Id(1)) with { Version = 2 };
        var dismissed = confirmed with { Triage = FeedbackTriageStatus.Dismissed, TriagedBy = "frank@example.test" };

        Assert.That(await _store.TryReplaceAsync(confirmed, 1, CancellationToken.None), Is.True);
        Assert.That(await _store.TryReplaceAsync(dismissed, 1, CancellationToken.None), Is.False, "a stale version");
        Assert.That(await _store.TryReplaceAsync(FullReport(Id(2)) with { Version = 2 }, 1, CancellationToken.None), Is.False, "an unknown report");

        Assert.That(await _store.GetAsync(Id(1), CancellationToken.None), Is.EqualTo(confirmed));
    }

    [Test]
    public async Task A_duplicate_id_is_refused_naming_the_id()
    {
        await _store.AddAsync(Report(Id(1), T0), CancellationToken.None);

        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => _store.AddAsync(FullReport(Id(1)), CancellationToken.None));

        Assert.That(ex!.Message, Does.Contain(Id(1)));
        Assert.That(await _store.GetAsync(Id(1), CancellationToken.None), Is.EqualTo(Report(Id(1), T0)));
    }

    [Test]
    public void Bad_entries_are_refused_with_typed_errors()
    {
        Assert.ThrowsAsync<ArgumentNullException>(() => _store.AddAsync(null!, CancellationToken.None));
        Assert.ThrowsAsync<ArgumentException>(() => _store.AddAsync(FullReport() with { Version = 2 }, CancellationToken.None));
        Assert.ThrowsAsync<ArgumentException>(() => _store.AddAsync(FullReport() with { AuditId = "" }, CancellationToken.None));
        var ex = Assert.ThrowsAsync<ArgumentException>(() => _store.AddAsync(FullReport() with { Category = (FeedbackCategory)17 }, CancellationToken.None));
        Assert.That(ex!.Message, Does.Contain("17"));
        ex = Assert.ThrowsAsync<ArgumentException>(() => _store.TryReplaceAsync(FullReport() with { Version = 5 }, 1, CancellationToken.None));
        Assert.That(ex!.Message, Does.Contain("version 2"));
        Assert.ThrowsAsync<ArgumentException>(() => _store.GetAsync("", CancellationToken.None));
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _store.ListAsync(new FeedbackQuery { Limit = 0 }, CancellationToken.None));
    }

    [Test]
    public async Task Lists_filter_by_triage_call_and_category_newest_first_and_limit()
    {
        await _store.AddAsync(Report(Id(1), T0.AddMinutes(1), "audit-1", FeedbackCategory.Harmful), CancellationToken.None);
        await _store.AddAsync(Report(Id(2), T0.AddMinutes(3), "audit-2"), CancellationToken.None);
        await _store.AddAsync(Report(Id(3), T0.AddMinutes(2), "audit-1"), CancellationToken.None);
        await _store.AddAsync(Report(Id(4), T0.AddMinutes(3), "audit-1", FeedbackCategory.Harmful), CancellationToken.None);
        var triaged = Report(Id(5), T0.AddMinutes(4), "audit-1");
        await _store.AddAsync(triaged, CancellationToken.None);
        await _store.TryReplaceAsync(triaged with { Triage = FeedbackTriageStatus.Dismissed, TriagedBy = "erin", TriagedAt = T0.AddHours(1), Version = 2 }, 1, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            // Equal times (2 and 4) in reverse order of arrival.
            Assert.That(await Ids(new FeedbackQuery()), Is.EqualTo(new[] { Id(4), Id(2), Id(3), Id(1) }), "open, newest first");
            Assert.That(await Ids(new FeedbackQuery { Triage = null }), Is.EqualTo(new[] { Id(5), Id(4), Id(2), Id(3), Id(1) }));
            Assert.That(await Ids(new FeedbackQuery { Triage = FeedbackTriageStatus.Dismissed }), Is.EqualTo(new[] { Id(5) }));
            Assert.That(await Ids(new FeedbackQuery { Triage = null, AuditId = "audit-1" }), Is.EqualTo(new[] { Id(5), Id(4), Id(3), Id(1) }));
            Assert.That(await Ids(new FeedbackQuery { Category = FeedbackCategory.Harmful }), Is.EqualTo(new[] { Id(4), Id(1) }));
            Assert.That(await Ids(new FeedbackQuery { AuditId = "audit-2", Category = FeedbackCategory.Harmful }), Is.Empty);
            Assert.That(await Ids(new FeedbackQuery { Triage = null, Limit = 2 }), Is.EqualTo(new[] { Id(5), Id(4) }));
        });
    }

    private async Task<string[]> Ids(FeedbackQuery query) =>
        (await _store.ListAsync(query, CancellationToken.None)).Select(e => e.ReportId).ToArray();
}
