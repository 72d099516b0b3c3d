using SafeOpenAI.Tests.Review;

namespace SafeOpenAI.PostgreSql.Tests.Review;

/// <summary>The queue contract shared with the in-memory and SQLite stores, with <see cref="HumanReviewQueue"/> over one <see cref="PostgreSqlReviewStore"/> on a fresh database per test.</summary>
public class PostgreSqlHumanReviewQueueContractTests : HumanReviewQueueContractTests
{
    private readonly PostgreSqlTestStores _stores = new();

    [TearDown]
    public async Task DisposeStores() => await _stores.DisposeAsync();

    protected override async Task<(IReviewStore Store, IReviewAccessLog AccessLog)> CreateStoresAsync()
    {
        var store = _stores.Review(await PostgreSqlServerFixture.CreateDatabaseAsync());
        return (store, store);
    }
}
