namespace SafeOpenAI.Tests.Feedback;

/// <summary>
/// The rules every <see cref="IFeedbackStore"/> SafeOpenAI ships must follow, run against each
/// implementation by a subclass. Entries carry explicit instants, so no clock is involved.
/// </summary>
public abstract class FeedbackStoreContractTests
{
    private static readonly DateTimeOffset s_start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private int _sequence;

    /// <summary>Creates the store under test, with state of its own (no reports).</summary>
    protected abstract Task<IFeedbackStore> CreateStoreAsync();

    [Test]
    public async Task A_report_is_read_back_whole()
    {
        var store = await CreateStoreAsync();
        var open = Entry("audit-1", FeedbackCategory.Privacy, minutes: 0, comment: "v1.abcd1234.AAAA", reporter: "4f0c9e");
        var triaged = Entry("audit-2", FeedbackCategory.Harmful, minutes: 1, comment: null, reporter: null) with
        {
            Triage = FeedbackTriageStatus.Confirmed,
            TriagedBy = "rita",
            TriagedAt = s_start.AddMinutes(5),
            ProtectedTriageNote = "v1.abcd1234.BBBB",
        };

        await store.AddAsync(open, CancellationToken.None);
        await store.AddAsync(triaged, CancellationToken.None);

        Assert.That(await store.GetAsync(open.ReportId, CancellationToken.None), Is.EqualTo(open));
        Assert.That(await store.GetAsync(triaged.ReportId, CancellationToken.None), Is.EqualTo(triaged));
    }

    [Test]
    public async Task An_unknown_report_reads_as_null()
    {
        var store = await CreateStoreAsync();
        await store.AddAsync(Entry("audit-1"), CancellationToken.None);

        Assert.That(await store.GetAsync("0123456789abcdef0123456789abcdef", CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task A_report_id_is_added_once_and_the_first_entry_stays()
    {
        var store = await CreateStoreAsync();
        var first = Entry("audit-1", FeedbackCategory.Wrong);
        var again = first with { AuditId = "audit-2", Category = FeedbackCategory.Other };
        await store.AddAsync(first, CancellationToken.None);

        Assert.ThrowsAsync<InvalidOperationException>(() => store.AddAsync(again, CancellationToken.None));
        Assert.That(await store.GetAsync(first.ReportId, CancellationToken.None), Is.EqualTo(first));
    }

    [Test]
    public async Task A_null_entry_is_refused()
    {
        var store = await CreateStoreAsync();

        Assert.ThrowsAsync<ArgumentNullException>(() => store.AddAsync(null!, CancellationToken.None));
        Assert.ThrowsAsync<ArgumentNullException>(() => store.TryReplaceAsync(null!, 1, CancellationToken.None));
        Assert.ThrowsAsync<ArgumentNullException>(() => store.ListAsync(null!, CancellationToken.None));
    }

    [Test]
    public async Task Reports_are_listed_newest_first_whatever_order_they_arrived_in()
    {
        var store = await CreateStoreAsync();
        var middle = Entry("audit-1", minutes: 10);
        var oldest = Entry("audit-2", minutes: 0);
        var newest = Entry("audit-3", minutes: 20);
        foreach (var entry in new[] { middle, oldest, newest })
        {
            await store.AddAsync(entry, CancellationToken.None);
        }

        var listed = await store.ListAsync(new FeedbackQuery(), CancellationToken.None);

        Assert.That(listed, Is.EqualTo(new[] { newest, middle, oldest }));
    }

    [Test]
    public async Task The_default_query_lists_the_open_reports_and_no_triage_filter_lists_all()
    {
        var store = await CreateStoreAsync();
        var open = Entry("audit-1", minutes: 0);
        var confirmed = Entry("audit-2", minutes: 1) with { Triage = FeedbackTriageStatus.Confirmed, TriagedBy = "rita", TriagedAt = s_start.AddMinutes(2) };
        var dismissed = Entry("audit-3", minutes: 2) with { Triage = FeedbackTriageStatus.Dismissed, TriagedBy = "rita", TriagedAt = s_start.AddMinutes(3) };
        foreach (var entry in new[] { open, confirmed, dismissed })
        {
            await store.AddAsync(entry, CancellationToken.None);
        }

        Assert.That(await store.ListAsync(new FeedbackQuery(), CancellationToken.None), Is.EqualTo(new[] { open }));
        Assert.That(await store.ListAsync(new FeedbackQuery { Triage = FeedbackTriageStatus.Dismissed }, CancellationToken.None), Is.EqualTo(new[] { dismissed }));
        Assert.That(await store.ListAsync(new FeedbackQuery { Triage = null }, CancellationToken.None), Is.EqualTo(new[] { dismissed, confirmed, open }));
    }

    [Test]
    public async Task Reports_are_filtered_by_audit_id_and_category_together()
    {
        var store = await CreateStoreAsync();
        var wrongOnA = Entry("audit-a", FeedbackCategory.Wrong, minutes: 0);
        var harmfulOnA = Entry("audit-a", FeedbackCategory.Harmful, minutes: 1);
        var wrongOnB = Entry("audit-b", FeedbackCategory.Wrong, minutes: 2);
        var wrongOnA2 = Entry("audit-a", FeedbackCategory.Wrong, minutes: 3);
        foreach (var entry in new[] { wrongOnA, harmfulOnA, wrongOnB, wrongOnA2 })
        {
            await store.AddAsync(entry, CancellationToken.None);
        }

        var onA = await store.ListAsync(new FeedbackQuery { AuditId = "audit-a" }, CancellationToken.None);
        var wrong = await store.ListAsync(new FeedbackQuery { Category = FeedbackCategory.Wrong }, CancellationToken.None);
        var wrongOnAOnly = await store.ListAsync(new FeedbackQuery { AuditId = "audit-a", Category = FeedbackCategory.Wrong }, CancellationToken.None);
        var none = await store.ListAsync(new FeedbackQuery { AuditId = "audit-A" }, CancellationToken.None);

        Assert.That(onA, Is.EqualTo(new[] { wrongOnA2, harmfulOnA, wrongOnA }));
        Assert.That(wrong, Is.EqualTo(new[] { wrongOnA2, wrongOnB, wrongOnA }));
        Assert.That(wrongOnAOnly, Is.EqualTo(new[] { wrongOnA2, wrongOnA }));
        Assert.That(none, Is.Empty, "audit ids match exactly, case included");
    }

    [Test]
    public async Task The_limit_keeps_the_newest_reports()
    {
        var store = await CreateStoreAsync();
        var entries = Enumerable.Range(0, 5).Select(i => Entry("audit-" + i, minutes: i)).ToArray();
        foreach (var entry in entries)
        {
            await store.AddAsync(entry, CancellationToken.None);
        }

        var two = await store.ListAsync(new FeedbackQuery { Limit = 2 }, CancellationToken.None);
        var one = await store.ListAsync(new FeedbackQuery { Limit = 1 }, CancellationToken.None);
        var all = await store.ListAsync(new FeedbackQuery { Limit = FeedbackQuery.MaxLimit }, CancellationToken.None);

        Assert.That(two, Is.EqualTo(new[] { entries[4], entries[3] }));
        Assert.That(one, Is.EqualTo(new[] { entries[4] }));
        Assert.That(all, Has.Count.EqualTo(5));
    }

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(10_001)]
    public async Task A_limit_outside_1_to_10000_is_refused(int limit)
    {
        var store = await CreateStoreAsync();

        var error = Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListAsync(new FeedbackQuery { Limit = limit }, CancellationToken.None));

        Assert.That(error!.ActualValue, Is.EqualTo(limit));
    }

    [Test]
    public async Task A_replacement_from_the_stored_version_wins_and_one_from_an_old_version_loses()
    {
        var store = await CreateStoreAsync();
        var entry = Entry("audit-1");
        await store.AddAsync(entry, CancellationToken.None);
        var confirmed = Triaged(entry, FeedbackTriageStatus.Confirmed, "rita");
        var dismissed = Triaged(entry, FeedbackTriageStatus.Dismissed, "sam");

        var first = await store.TryReplaceAsync(confirmed, expectedVersion: 1, CancellationToken.None);
        var stale = await store.TryReplaceAsync(dismissed, expectedVersion: 1, CancellationToken.None);

        Assert.That(first, Is.True);
        Assert.That(stale, Is.False);
        Assert.That(await store.GetAsync(entry.ReportId, CancellationToken.None), Is.EqualTo(confirmed));
    }

    [Test]
    public async Task Replacements_chain_version_by_version_and_show_in_the_listing()
    {
        var store = await CreateStoreAsync();
        var entry = Entry("audit-1");
        await store.AddAsync(entry, CancellationToken.None);
        var confirmed = Triaged(entry, FeedbackTriageStatus.Confirmed, "rita");
        var dismissed = Triaged(confirmed, FeedbackTriageStatus.Dismissed, "sam");

        Assert.That(await store.TryReplaceAsync(confirmed, 1, CancellationToken.None), Is.True);
        Assert.That(await store.TryReplaceAsync(dismissed, 2, CancellationToken.None), Is.True);

        Assert.That(await store.GetAsync(entry.ReportId, CancellationToken.None), Is.EqualTo(dismissed));
        Assert.That(await store.ListAsync(new FeedbackQuery(), CancellationToken.None), Is.Empty, "no report is open any more");
        Assert.That(await store.ListAsync(new FeedbackQuery { Triage = FeedbackTriageStatus.Dismissed }, CancellationToken.None), Is.EqualTo(new[] { dismissed }));
    }

    [TestCase(1)]
    [TestCase(3)]
    public async Task A_replacement_must_carry_the_expected_version_plus_one(long version)
    {
        var store = await CreateStoreAsync();
        var entry = Entry("audit-1");
        await store.AddAsync(entry, CancellationToken.None);

        Assert.ThrowsAsync<ArgumentException>(() => store.TryReplaceAsync(entry with { Version = version, Triage = FeedbackTriageStatus.Dismissed }, expectedVersion: 1, CancellationToken.None));
        Assert.That(await store.GetAsync(entry.ReportId, CancellationToken.None), Is.EqualTo(entry));
    }

    [Test]
    public async Task Of_concurrent_replacements_from_one_version_exactly_one_wins()
    {
        var store = await CreateStoreAsync();
        var entry = Entry("audit-1");
        await store.AddAsync(entry, CancellationToken.None);
        var candidates = Enumerable.Range(0, 16)
            .Select(i => Triaged(entry, i % 2 == 0 ? FeedbackTriageStatus.Confirmed : FeedbackTriageStatus.Dismissed, "reviewer-" + i))
            .ToArray();
        using var start = new ManualResetEventSlim();

        var attempts = candidates
            .Select(candidate => Task.Run(async () =>
            {
                start.Wait();
                return await store.TryReplaceAsync(candidate, 1, CancellationToken.None);
            }))
            .ToArray();
        start.Set();
        var results = await Task.WhenAll(attempts);

        Assert.That(results.Count(won => won), Is.EqualTo(1));
        var winner = candidates[Array.IndexOf(results, true)];
        Assert.That(await store.GetAsync(entry.ReportId, CancellationToken.None), Is.EqualTo(winner));
    }

    [Test]
    public async Task Concurrent_reports_are_all_kept()
    {
        var store = await CreateStoreAsync();
        var entries = Enumerable.Range(0, 200).Select(i => Entry("audit-" + (i % 7), minutes: i)).ToArray();

        await Task.WhenAll(entries.Select(e => Task.Run(() => store.AddAsync(e, CancellationToken.None))));

        var listed = await store.ListAsync(new FeedbackQuery { Limit = FeedbackQuery.MaxLimit }, CancellationToken.None);
        Assert.That(listed, Is.EqualTo(entries.Reverse()));
    }

    /// <summary>A new open report (version 1) about <paramref name="auditId"/>, received <paramref name="minutes"/> after the start.</summary>
    protected FeedbackEntry Entry(
        string auditId,
        FeedbackCategory category = FeedbackCategory.Wrong,
        int minutes = 0,
        string? comment = "v1.abcd1234.CCCC",
        string? reporter = "8e1d7a") => new(
            ReportId: Interlocked.Increment(ref _sequence).ToString("x32", System.Globalization.CultureInfo.InvariantCulture),
            AuditId: auditId,
            Category: category,
            ProtectedComment: comment,
            ReporterSafetyIdentifier: reporter,
            ReceivedAt: s_start.AddMinutes(minutes),
            Triage: FeedbackTriageStatus.Open,
            TriagedBy: null,
            TriagedAt: null,
            ProtectedTriageNote: null,
            Version: 1);

    private static FeedbackEntry Triaged(FeedbackEntry entry, FeedbackTriageStatus status, string reviewer) => entry with
    {
        Triage = status,
        TriagedBy = reviewer,
        TriagedAt = entry.ReceivedAt.AddHours(1),
        ProtectedTriageNote = "v1.abcd1234.note-of-" + reviewer,
        Version = entry.Version + 1,
    };
}
