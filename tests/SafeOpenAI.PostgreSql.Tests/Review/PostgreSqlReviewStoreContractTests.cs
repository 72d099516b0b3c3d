using SafeOpenAI.Tests.Review;

namespace SafeOpenAI.PostgreSql.Tests.Review;

/// <summary>The review store contract shared with the in-memory and SQLite stores, on <see cref="PostgreSqlReviewStore"/> over a fresh database per test.</summary>
public class PostgreSqlReviewStoreContractTests : ReviewStoreContractTests
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
