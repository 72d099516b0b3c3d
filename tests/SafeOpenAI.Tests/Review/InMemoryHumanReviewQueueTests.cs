namespace SafeOpenAI.Tests.Review;

/// <summary>The queue contract over <see cref="InMemoryReviewStore"/> (one object as store and access log).</summary>
public class InMemoryHumanReviewQueueTests : HumanReviewQueueContractTests
{
    protected override Task<(IReviewStore Store, IReviewAccessLog AccessLog)> CreateStoresAsync()
    {
        var store = new InMemoryReviewStore();
        return Task.FromResult<(IReviewStore, IReviewAccessLog)>((store, store));
    }
}
