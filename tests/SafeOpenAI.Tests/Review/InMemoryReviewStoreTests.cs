namespace SafeOpenAI.Tests.Review;

/// <summary>The store contract on <see cref="InMemoryReviewStore"/>, plus what only the in-memory store checks.</summary>
public class InMemoryReviewStoreTests : ReviewStoreContractTests
{
    protected override Task<(IReviewStore Store, IReviewAccessLog AccessLog)> CreateStoresAsync()
    {
        var store = new InMemoryReviewStore();
        return Task.FromResult<(IReviewStore, IReviewAccessLog)>((store, store));
    }

    [Test]
    public void A_new_record_must_start_at_version_1()
    {
        var store = new InMemoryReviewStore();

        Assert.That(async () => await store.AddAsync(Record("0001", TimeSpan.FromHours(1), version: 2), CancellationToken.None), Throws.ArgumentException.With.Message.Contains("version 1"));
    }

    [Test]
    public void A_list_limit_outside_1_to_10000_is_refused()
    {
        var store = new InMemoryReviewStore();

        Assert.That(async () => await store.ListAsync(new ReviewListQuery { Limit = 0 }, CancellationToken.None), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Limit"));
        Assert.That(async () => await store.ListAsync(new ReviewListQuery { Limit = 10_001 }, CancellationToken.None), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public async Task A_cancelled_token_cancels_without_writing()
    {
        var store = new InMemoryReviewStore();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        Assert.That(async () => await store.AddAsync(Record("0001", TimeSpan.FromHours(1)), cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(await store.GetAsync("0001", CancellationToken.None), Is.Null);
    }
}
