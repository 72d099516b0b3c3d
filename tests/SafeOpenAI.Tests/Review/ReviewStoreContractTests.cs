namespace SafeOpenAI.Tests.Review;

/// <summary>
/// The rules every <see cref="IReviewStore"/> and <see cref="IReviewAccessLog"/> SafeOpenAI ships
/// must follow, run against each implementation by a subclass: records come back whole, lists are
/// filtered, ordered by deadline and limited, compare-and-set is exact, and the access log keeps its
/// order. Public API only, so durable stores can link this file into their own test project.
/// </summary>
public abstract class ReviewStoreContractTests
{
    /// <summary>A fixed instant the records are dated from.</summary>
    protected static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Creates an empty store and its access log (the same object or two) for one test.</summary>
    protected abstract Task<(IReviewStore Store, IReviewAccessLog AccessLog)> CreateStoresAsync();

    /// <summary>A record as the queue writes it: summary fields in the clear, protected text opaque to the store.</summary>
    protected static ReviewRecord Record(
        string id,
        TimeSpan dueIn,
        ReviewStatus status = ReviewStatus.Pending,
        string? safetyIdentifier = "user-hash-1",
        string auditId = "audit-1",
        long version = 1)
    {
        var decided = status is ReviewStatus.Approved or ReviewStatus.Rejected;
        var summary = new ReviewSummary(
            id,
            auditId,
            status,
            "review.risk_domain",
            "RiskDomainReview",
            "healthcare",
            safetyIdentifier,
            T0,
            T0 + dueIn,
            Escalations: 0,
            ClaimedBy: status == ReviewStatus.Claimed ? "rita" : null,
            ClaimExpiresAt: status == ReviewStatus.Claimed ? T0.AddMinutes(15) : null,
            Outcome: decided ? (status == ReviewStatus.Approved ? ReviewOutcome.Approved : ReviewOutcome.Rejected) : null,
            DecidedBy: decided ? "rita" : null,
            DecidedAt: decided ? T0.AddMinutes(5) : null);
        return new ReviewRecord(summary, "v1.0000abcd.material-" + id, decided && status == ReviewStatus.Approved ? "v1.0000abcd.answer-" + id : null, decided ? "v1.0000abcd.note-" + id : null, version);
    }

    [Test]
    public async Task An_added_record_is_read_back_whole()
    {
        var (store, _) = await CreateStoresAsync();
        var record = Record("0001", TimeSpan.FromHours(1)) with
        {
            Summary = Record("0001", TimeSpan.FromHours(1)).Summary with { Escalations = 2, ClaimedBy = "sam", ClaimExpiresAt = T0.AddMinutes(3), Status = ReviewStatus.Claimed },
        };

        await store.AddAsync(record, CancellationToken.None);
        var read = await store.GetAsync("0001", CancellationToken.None);

        Assert.That(read, Is.EqualTo(record));
        Assert.That(read!.Summary.Deadline, Is.EqualTo(T0.AddHours(1)));
        Assert.That(await store.GetAsync("0002", CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task A_decided_record_keeps_its_outcome_answer_and_note()
    {
        var (store, _) = await CreateStoresAsync();
        var record = Record("0001", TimeSpan.FromHours(1), ReviewStatus.Approved);

        await store.AddAsync(record, CancellationToken.None);
        var read = await store.GetAsync("0001", CancellationToken.None);

        Assert.That(read, Is.EqualTo(record));
        Assert.That(read!.Summary.Outcome, Is.EqualTo(ReviewOutcome.Approved));
        Assert.That(read.ProtectedAnswer, Is.EqualTo("v1.0000abcd.answer-0001"));
        Assert.That(read.ProtectedNote, Is.EqualTo("v1.0000abcd.note-0001"));
    }

    [Test]
    public async Task Adding_an_existing_id_throws_and_keeps_the_first()
    {
        var (store, _) = await CreateStoresAsync();
        var first = Record("0001", TimeSpan.FromHours(1));
        await store.AddAsync(first, CancellationToken.None);

        Assert.That(async () => await store.AddAsync(Record("0001", TimeSpan.FromHours(2), auditId: "audit-2"), CancellationToken.None), Throws.InstanceOf<InvalidOperationException>());
        Assert.That(await store.GetAsync("0001", CancellationToken.None), Is.EqualTo(first));
    }

    [Test]
    public async Task A_list_is_ordered_by_deadline_and_limited()
    {
        var (store, _) = await CreateStoresAsync();
        await store.AddAsync(Record("0003", TimeSpan.FromHours(3)), CancellationToken.None);
        await store.AddAsync(Record("0001", TimeSpan.FromHours(1)), CancellationToken.None);
        await store.AddAsync(Record("0002", TimeSpan.FromHours(2)), CancellationToken.None);

        var all = await store.ListAsync(new ReviewListQuery(), CancellationToken.None);
        var two = await store.ListAsync(new ReviewListQuery { Limit = 2 }, CancellationToken.None);

        Assert.That(all.Select(r => r.Summary.ReviewId), Is.EqualTo(new[] { "0001", "0002", "0003" }));
        Assert.That(two.Select(r => r.Summary.ReviewId), Is.EqualTo(new[] { "0001", "0002" }));
    }

    [Test]
    public async Task A_list_filters_on_open_status_user_audit_id_and_an_exclusive_due_bound()
    {
        var (store, _) = await CreateStoresAsync();
        await store.AddAsync(Record("open-a", TimeSpan.FromHours(1), safetyIdentifier: "user-a", auditId: "audit-a"), CancellationToken.None);
        await store.AddAsync(Record("claimed-b", TimeSpan.FromHours(2), ReviewStatus.Claimed, safetyIdentifier: "user-b", auditId: "audit-b"), CancellationToken.None);
        await store.AddAsync(Record("escalated-a", TimeSpan.FromHours(3), ReviewStatus.Escalated, safetyIdentifier: "user-a", auditId: "audit-c"), CancellationToken.None);
        await store.AddAsync(Record("approved-a", TimeSpan.FromHours(4), ReviewStatus.Approved, safetyIdentifier: "user-a", auditId: "audit-d"), CancellationToken.None);
        await store.AddAsync(Record("rejected-anon", TimeSpan.FromHours(5), ReviewStatus.Rejected, safetyIdentifier: null, auditId: "audit-e"), CancellationToken.None);

        async Task<string[]> Ids(ReviewListQuery query) => (await store.ListAsync(query, CancellationToken.None)).Select(r => r.Summary.ReviewId).ToArray();

        Assert.That(await Ids(new ReviewListQuery()), Is.EqualTo(new[] { "open-a", "claimed-b", "escalated-a" }), "open only by default");
        Assert.That(await Ids(new ReviewListQuery { OpenOnly = false }), Is.EqualTo(new[] { "open-a", "claimed-b", "escalated-a", "approved-a", "rejected-anon" }));
        Assert.That(await Ids(new ReviewListQuery { OpenOnly = false, SafetyIdentifier = "user-a" }), Is.EqualTo(new[] { "open-a", "escalated-a", "approved-a" }));
        Assert.That(await Ids(new ReviewListQuery { OpenOnly = false, AuditId = "audit-e" }), Is.EqualTo(new[] { "rejected-anon" }));
        Assert.That(await Ids(new ReviewListQuery { DueBefore = T0.AddHours(2) }), Is.EqualTo(new[] { "open-a" }), "the bound is exclusive");
        Assert.That(await Ids(new ReviewListQuery { DueBefore = T0.AddHours(2).AddTicks(1) }), Is.EqualTo(new[] { "open-a", "claimed-b" }));
        Assert.That(await Ids(new ReviewListQuery { SafetyIdentifier = "user-z" }), Is.Empty);
    }

    [Test]
    public async Task A_replace_from_the_stored_version_wins_and_one_from_a_stale_version_loses()
    {
        var (store, _) = await CreateStoresAsync();
        var original = Record("0001", TimeSpan.FromHours(1));
        await store.AddAsync(original, CancellationToken.None);
        var claimed = original with { Summary = original.Summary with { Status = ReviewStatus.Claimed, ClaimedBy = "rita", ClaimExpiresAt = T0.AddMinutes(15) }, Version = 2 };
        var staleApproval = original with { Summary = original.Summary with { Status = ReviewStatus.Approved, Outcome = ReviewOutcome.Approved, DecidedBy = "sam", DecidedAt = T0 }, Version = 2 };

        var first = await store.TryReplaceAsync(claimed, 1, CancellationToken.None);
        var second = await store.TryReplaceAsync(staleApproval, 1, CancellationToken.None);

        Assert.That(first, Is.True);
        Assert.That(second, Is.False);
        Assert.That(await store.GetAsync("0001", CancellationToken.None), Is.EqualTo(claimed));
    }

    [Test]
    public async Task A_replace_must_carry_the_next_version()
    {
        var (store, _) = await CreateStoresAsync();
        var original = Record("0001", TimeSpan.FromHours(1));
        await store.AddAsync(original, CancellationToken.None);

        Assert.That(async () => await store.TryReplaceAsync(original with { Version = 3 }, 1, CancellationToken.None), Throws.InstanceOf<ArgumentException>());
        Assert.That(await store.GetAsync("0001", CancellationToken.None), Is.EqualTo(original));
    }

    [Test]
    public async Task A_replace_of_an_unknown_review_changes_nothing()
    {
        var (store, _) = await CreateStoresAsync();

        var replaced = await store.TryReplaceAsync(Record("ghost", TimeSpan.FromHours(1), version: 2), 1, CancellationToken.None);

        Assert.That(replaced, Is.False);
        Assert.That(await store.GetAsync("ghost", CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Successive_replaces_move_the_version_on()
    {
        var (store, _) = await CreateStoresAsync();
        var record = Record("0001", TimeSpan.FromHours(1));
        await store.AddAsync(record, CancellationToken.None);

        for (var version = 1; version < 5; version++)
        {
            var next = record with { Summary = record.Summary with { Escalations = version }, Version = version + 1 };
            Assert.That(await store.TryReplaceAsync(next, version, CancellationToken.None), Is.True);
            record = next;
        }

        var read = await store.GetAsync("0001", CancellationToken.None);
        Assert.That(read!.Version, Is.EqualTo(5));
        Assert.That(read.Summary.Escalations, Is.EqualTo(4));
    }

    [Test]
    public async Task Concurrent_replaces_from_one_version_let_exactly_one_win()
    {
        var (store, _) = await CreateStoresAsync();
        var original = Record("0001", TimeSpan.FromHours(1));
        await store.AddAsync(original, CancellationToken.None);

        var attempts = Enumerable.Range(0, 16).Select(i => Task.Run(() => store.TryReplaceAsync(
            original with { Summary = original.Summary with { ClaimedBy = "reviewer-" + i }, Version = 2 }, 1, CancellationToken.None)));
        var results = await Task.WhenAll(attempts);

        Assert.That(results.Count(won => won), Is.EqualTo(1));
        var stored = await store.GetAsync("0001", CancellationToken.None);
        Assert.That(stored!.Version, Is.EqualTo(2));
        Assert.That(stored.Summary.ClaimedBy, Does.StartWith("reviewer-"));
    }

    [Test]
    public async Task The_access_log_keeps_each_subjects_entries_in_order()
    {
        var (_, log) = await CreateStoresAsync();
        ReviewAccessEntry[] first =
        [
            new("0001", "rita", ReviewAccessAction.Read, T0),
            new("0001", "rita", ReviewAccessAction.Claimed, T0.AddSeconds(5)),
            new("0001", "rita", ReviewAccessAction.Approved, T0.AddSeconds(9)),
        ];
        await log.AppendAsync(first[0], CancellationToken.None);
        await log.AppendAsync(new ReviewAccessEntry("0002", "(anonymous)", ReviewAccessAction.Denied, T0.AddSeconds(1)), CancellationToken.None);
        await log.AppendAsync(first[1], CancellationToken.None);
        await log.AppendAsync(first[2], CancellationToken.None);

        Assert.That(await log.ListAsync("0001", CancellationToken.None), Is.EqualTo(first));
        Assert.That(await log.ListAsync("0002", CancellationToken.None), Is.EqualTo(new[] { new ReviewAccessEntry("0002", "(anonymous)", ReviewAccessAction.Denied, T0.AddSeconds(1)) }));
        Assert.That(await log.ListAsync("0003", CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task The_access_log_keeps_every_action_and_entries_at_the_same_instant()
    {
        var (_, log) = await CreateStoresAsync();
        var entries = Enum.GetValues<ReviewAccessAction>().Select(a => new ReviewAccessEntry("0001", "deadline-policy", a, T0)).ToArray();
        foreach (var entry in entries)
        {
            await log.AppendAsync(entry, CancellationToken.None);
        }

        Assert.That(await log.ListAsync("0001", CancellationToken.None), Is.EqualTo(entries));
    }
}
