using SafeOpenAI.Tests.Review;

namespace SafeOpenAI.Sqlite.Tests.Review;

/// <summary>The review store and access log contract shared with the in-memory store, on one <see cref="SqliteReviewStore"/> over a fresh file per test.</summary>
public class SqliteReviewStoreContractTests : ReviewStoreContractTests
{
    private readonly TempReviewStores _stores = new();

    [TearDown]
    public void DeleteFiles() => _stores.Dispose();

    protected override Task<(IReviewStore Store, IReviewAccessLog AccessLog)> CreateStoresAsync() => _stores.CreateAsync();
}
