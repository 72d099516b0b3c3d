using static SafeOpenAI.Sqlite.Tests.Review.ReviewRecords;

namespace SafeOpenAI.Sqlite.Tests.Review;

public class SqliteReviewStoreTests
{
    private static readonly string Alice = new('a', 64);
    private static readonly string Bob = new('b', 64);

    private TempDatabase _db = null!;
    private SqliteReviewStore _store = null!;

    [SetUp]
    public void Open()
    {
        _db = new TempDatabase();
        _store = _db.ReviewStore();
    }

    [TearDown]
    public void Delete() => _db.Dispose();

    [Test]
    public async Task Every_field_round_trips_through_add_and_get()
    {
        var record = Full();
        await _store.AddAsync(record, CancellationToken.None);

        var read = await _store.GetAsync(record.Summary.ReviewId, CancellationToken.None);

        Assert.That(read, Is.EqualTo(record));
        Assert.That(read!.Summary.CreatedAt.Offset, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public async Task Every_field_round_trips_through_a_replace_and_nulls_stay_null()
    {
        var pending = Pending(Id(1), T0.AddHours(24));
        await _store.AddAsync(pending, CancellationToken.None);
        Assert.That(await _store.GetAsync(Id(1), CancellationToken.None), Is.EqualTo(pending));

        var decided = Full(Id(1)) with { Version = 2 };
        Assert.That(await _store.TryReplaceAsync(decided, 1, CancellationToken.None), Is.True);

        Assert.That(await _store.GetAsync(Id(1), CancellationToken.None), Is.EqualTo(decided));
    }

    [Test]
    public async Task Times_are_stored_as_utc_ticks_and_protected_text_as_given()
    {
        await _store.AddAsync(Full(), CancellationToken.None);

        Assert.That(_db.Scalar("SELECT deadline_ticks FROM review_items"), Is.EqualTo(T0.AddHours(24).AddTicks(7).UtcTicks));
        Assert.That(_db.Text("SELECT protected_material FROM review_items"), Is.EqualTo(Full().ProtectedMaterial));
        Assert.That(_db.Scalar("SELECT status FROM review_items"), Is.EqualTo((long)ReviewStatus.Approved));
    }

    [Test]
    public async Task A_missing_review_reads_as_null() =>
        Assert.That(await _store.GetAsync(Id(404), CancellationToken.None), Is.Null);

    [Test]
    public async Task A_duplicate_id_is_refused_naming_the_id_and_the_first_record_stays()
    {
        var first = Pending(Id(1), T0.AddHours(1));
        await _store.AddAsync(first, CancellationToken.None);

        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => _store.AddAsync(Full(Id(1)), CancellationToken.None));

        Assert.That(ex!.Message, Does.Contain(Id(1)));
        Assert.That(await _store.GetAsync(Id(1), CancellationToken.None), Is.EqualTo(first));
    }

    [Test]
    public void Bad_records_are_refused_with_typed_errors()
    {
        Assert.ThrowsAsync<ArgumentNullException>(() => _store.AddAsync(null!, CancellationToken.None));
        var ex = Assert.ThrowsAsync<ArgumentException>(() => _store.AddAsync(Full() with { Version = 2 }, CancellationToken.None));
        Assert.That(ex!.Message, Does.Contain("version 1"));
        ex = Assert.ThrowsAsync<ArgumentException>(() => _store.AddAsync(Full() with { Summary = Full().Summary with { AuditId = "" } }, CancellationToken.None));
        Assert.That(ex!.Message, Does.Contain("AuditId"));
        ex = Assert.ThrowsAsync<ArgumentException>(() => _store.AddAsync(Full() with { Summary = Full().Summary with { Status = (ReviewStatus)42 } }, CancellationToken.None));
        Assert.That(ex!.Message, Does.Contain("42"));
        Assert.ThrowsAsync<ArgumentException>(() => _store.GetAsync("", CancellationToken.None));
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _store.ListAsync(new ReviewListQuery { Limit = 0 }, CancellationToken.None));
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _store.ListAsync(new ReviewListQuery { Limit = 10_001 }, CancellationToken.None));
    }

    [Test]
    public async Task A_replace_succeeds_only_from_the_stored_version()
    {
        var v1 = Pending(Id(1), T0.AddHours(1));
        await _store.AddAsync(v1, CancellationToken.None);
        var v2 = Next(v1, ReviewStatus.Claimed);
        var v3 = Next(v2, ReviewStatus.Approved);

        Assert.That(await _store.TryReplaceAsync(v2, 1, CancellationToken.None), Is.True);
        Assert.That(await _store.TryReplaceAsync(Next(v1, ReviewStatus.Rejected, "mallory@example.test"), 1, CancellationToken.None), Is.False, "a stale version");
        Assert.That(await _store.GetAsync(Id(1), CancellationToken.None), Is.EqualTo(v2));
        Assert.That(await _store.TryReplaceAsync(v3, 2, CancellationToken.None), Is.True);
        Assert.That(await _store.GetAsync(Id(1), CancellationToken.None), Is.EqualTo(v3));
    }

    [Test]
    public async Task A_replace_of_an_unknown_review_changes_nothing() =>
        Assert.That(await _store.TryReplaceAsync(Full(Id(9)) with { Version = 2 }, 1, CancellationToken.None), Is.False);

    [Test]
    public async Task A_replace_must_carry_the_expected_version_plus_one()
    {
        var v1 = Pending(Id(1), T0.AddHours(1));
        await _store.AddAsync(v1, CancellationToken.None);

        var ex = Assert.ThrowsAsync<ArgumentException>(() => _store.TryReplaceAsync(v1 with { Version = 3 }, 1, CancellationToken.None));

        Assert.That(ex!.Message, Does.Contain("version 2"));
        Assert.That(await _store.GetAsync(Id(1), CancellationToken.None), Is.EqualTo(v1));
    }

    [Test]
    public async Task Lists_filter_order_by_deadline_and_limit()
    {
        await _store.AddAsync(Pending(Id(1), T0.AddHours(3), Alice, "audit-x"), CancellationToken.None);
        await _store.AddAsync(Pending(Id(2), T0.AddHours(1), Bob), CancellationToken.None);
        await _store.AddAsync(Pending(Id(4), T0.AddHours(2), null, "audit-x"), CancellationToken.None);
        await _store.AddAsync(Pending(Id(3), T0.AddHours(2), Alice), CancellationToken.None);
        var createdEarlier = Pending(Id(7), T0.AddHours(2));
        await _store.AddAsync(createdEarlier with { Summary = createdEarlier.Summary with { CreatedAt = T0.AddMinutes(-1) } }, CancellationToken.None);
        var decided = Pending(Id(5), T0.AddMinutes(30), Alice);
        await _store.AddAsync(decided, CancellationToken.None);
        await _store.TryReplaceAsync(Next(decided, ReviewStatus.Rejected), 1, CancellationToken.None);
        var escalated = Pending(Id(6), T0.AddHours(4), Bob);
        await _store.AddAsync(escalated, CancellationToken.None);
        await _store.TryReplaceAsync(Next(escalated, ReviewStatus.Escalated), 1, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            // Equal deadlines: the earlier created first (7), then equal creation times by review id (3 before 4, added after it).
            Assert.That(await Ids(new ReviewListQuery()), Is.EqualTo(new[] { Id(2), Id(7), Id(3), Id(4), Id(1), Id(6) }), "open, earliest deadline first");
            Assert.That(await Ids(new ReviewListQuery { OpenOnly = false }), Is.EqualTo(new[] { Id(5), Id(2), Id(7), Id(3), Id(4), Id(1), Id(6) }));
            Assert.That(await Ids(new ReviewListQuery { SafetyIdentifier = Alice }), Is.EqualTo(new[] { Id(3), Id(1) }));
            Assert.That(await Ids(new ReviewListQuery { SafetyIdentifier = Alice, OpenOnly = false }), Is.EqualTo(new[] { Id(5), Id(3), Id(1) }));
            Assert.That(await Ids(new ReviewListQuery { AuditId = "audit-x" }), Is.EqualTo(new[] { Id(4), Id(1) }));
            Assert.That(await Ids(new ReviewListQuery { DueBefore = T0.AddHours(2) }), Is.EqualTo(new[] { Id(2) }), "the bound is exclusive");
            Assert.That(await Ids(new ReviewListQuery { DueBefore = T0.AddHours(2).AddTicks(1) }), Is.EqualTo(new[] { Id(2), Id(7), Id(3), Id(4) }));
            Assert.That(await Ids(new ReviewListQuery { Limit = 2 }), Is.EqualTo(new[] { Id(2), Id(7) }));
            Assert.That(await Ids(new ReviewListQuery { SafetyIdentifier = Bob, AuditId = "audit-x" }), Is.Empty);
        });
    }

    [Test]
    public async Task Listed_records_carry_every_field()
    {
        await _store.AddAsync(Full(), CancellationToken.None);

        Assert.That(await _store.ListAsync(new ReviewListQuery { OpenOnly = false }, CancellationToken.None), Is.EqualTo(new[] { Full() }));
    }

    [Test]
    public async Task The_access_log_lists_one_subject_in_append_order_whatever_the_times_say()
    {
        ReviewAccessEntry[] entries =
        [
            new(Id(1), "carol@example.test", ReviewAccessAction.Claimed, T0.AddMinutes(2)),
            new(Id(1), "carol@example.test", ReviewAccessAction.Read, T0.AddMinutes(1)),
            new(Id(2), "dave@example.test", ReviewAccessAction.Read, T0.AddMinutes(1)),
            new(Id(1), "carol@example.test", ReviewAccessAction.Approved, T0.AddMinutes(3)),
            new(Id(1), "dave@example.test", ReviewAccessAction.Denied, T0.AddMinutes(3)),
            new(Id(1), HumanReviewQueue.DeadlineReviewer, ReviewAccessAction.Expired, T0.AddMinutes(3).AddTicks(1)),
        ];
        foreach (var entry in entries)
        {
            await _store.AppendAsync(entry, CancellationToken.None);
        }

        // The second entry carries an earlier time (another process's clock): the log keeps the order things happened in.
        Assert.That(await _store.ListAsync(Id(1), CancellationToken.None), Is.EqualTo(new[] { entries[0], entries[1], entries[3], entries[4], entries[5] }));
        Assert.That(await _store.ListAsync(Id(2), CancellationToken.None), Is.EqualTo(new[] { entries[2] }));
        Assert.That(await _store.ListAsync(Id(3), CancellationToken.None), Is.Empty);
    }

    [Test]
    public void Bad_access_entries_are_refused_with_typed_errors()
    {
        Assert.ThrowsAsync<ArgumentNullException>(() => _store.AppendAsync(null!, CancellationToken.None));
        Assert.ThrowsAsync<ArgumentException>(() => _store.AppendAsync(new ReviewAccessEntry("", "carol", ReviewAccessAction.Read, T0), CancellationToken.None));
        Assert.ThrowsAsync<ArgumentException>(() => _store.AppendAsync(new ReviewAccessEntry(Id(1), "", ReviewAccessAction.Read, T0), CancellationToken.None));
        var ex = Assert.ThrowsAsync<ArgumentException>(() => _store.AppendAsync(new ReviewAccessEntry(Id(1), "carol", (ReviewAccessAction)99, T0), CancellationToken.None));
        Assert.That(ex!.Message, Does.Contain("99"));
        Assert.ThrowsAsync<ArgumentException>(() => _store.ListAsync("", CancellationToken.None));
    }

    [Test]
    public void A_store_over_an_in_memory_database_is_refused()
    {
        Assert.Throws<ArgumentException>(() => _ = new SqliteReviewStore("Data Source=:memory:"));
        Assert.Throws<ArgumentException>(() => _ = new SqliteReviewStore("Data Source=x;Mode=Memory"));
        Assert.Throws<ArgumentException>(() => _ = new SqliteReviewStore(" "));
    }

    private async Task<string[]> Ids(ReviewListQuery query) =>
        (await _store.ListAsync(query, CancellationToken.None)).Select(r => r.Summary.ReviewId).ToArray();
}
