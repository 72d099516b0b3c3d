using SafeOpenAI.Tests.Review;

namespace SafeOpenAI.Sqlite.Tests.Review;

/// <summary>The queue contract shared with the in-memory store, with <see cref="HumanReviewQueue"/> over one <see cref="SqliteReviewStore"/> on a fresh file per test.</summary>
public class SqliteHumanReviewQueueContractTests : HumanReviewQueueContractTests
{
    private readonly TempReviewStores _stores = new();

    [TearDown]
    public void DeleteFiles() => _stores.Dispose();

    protected override Task<(IReviewStore Store, IReviewAccessLog AccessLog)> CreateStoresAsync() => _stores.CreateAsync();
}
