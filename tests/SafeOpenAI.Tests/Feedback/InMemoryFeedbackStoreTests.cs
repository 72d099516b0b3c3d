namespace SafeOpenAI.Tests.Feedback;

/// <summary>The feedback store contract on the in-memory store, and what the in-memory store adds to it.</summary>
public class InMemoryFeedbackStoreTests : FeedbackStoreContractTests
{
    protected override Task<IFeedbackStore> CreateStoreAsync() => Task.FromResult<IFeedbackStore>(new InMemoryFeedbackStore());

    [Test]
    public void A_new_report_must_start_at_version_1()
    {
        var store = new InMemoryFeedbackStore();

        var error = Assert.ThrowsAsync<ArgumentException>(() => store.AddAsync(Entry("audit-1") with { Version = 2 }, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("version 1"));
    }

    [Test]
    public void An_entry_without_ids_is_refused()
    {
        var store = new InMemoryFeedbackStore();

        Assert.ThrowsAsync<ArgumentException>(() => store.AddAsync(Entry("audit-1") with { ReportId = "" }, CancellationToken.None));
        Assert.ThrowsAsync<ArgumentException>(() => store.AddAsync(Entry(""), CancellationToken.None));
        Assert.ThrowsAsync<ArgumentException>(() => store.GetAsync("", CancellationToken.None));
    }

    [Test]
    public async Task Replacing_a_report_that_does_not_exist_changes_nothing()
    {
        var store = new InMemoryFeedbackStore();
        var absent = Entry("audit-1") with { Triage = FeedbackTriageStatus.Dismissed, Version = 2 };

        Assert.That(await store.TryReplaceAsync(absent, 1, CancellationToken.None), Is.False);
        Assert.That(await store.GetAsync(absent.ReportId, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Reports_received_at_the_same_instant_are_listed_latest_arrival_first_even_after_a_replacement()
    {
        var store = new InMemoryFeedbackStore();
        var first = Entry("audit-1", minutes: 5);
        var second = Entry("audit-2", minutes: 5);
        await store.AddAsync(first, CancellationToken.None);
        await store.AddAsync(second, CancellationToken.None);
        var firstTriaged = first with { Triage = FeedbackTriageStatus.Confirmed, Version = 2 };
        await store.TryReplaceAsync(firstTriaged, 1, CancellationToken.None);

        var listed = await store.ListAsync(new FeedbackQuery { Triage = null }, CancellationToken.None);

        Assert.That(listed, Is.EqualTo(new[] { second, firstTriaged }));
    }

    [Test]
    public async Task A_cancelled_call_changes_nothing()
    {
        var store = new InMemoryFeedbackStore();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAsync<OperationCanceledException>(() => store.AddAsync(Entry("audit-1"), cancelled.Token));
        Assert.That(await store.ListAsync(new FeedbackQuery(), CancellationToken.None), Is.Empty);
    }
}
