using SafeOpenAI.Tests.Feedback;

namespace SafeOpenAI.PostgreSql.Tests.Review;

/// <summary>The feedback store contract shared with the in-memory and SQLite stores, on <see cref="PostgreSqlFeedbackStore"/> over a fresh database per test.</summary>
public class PostgreSqlFeedbackStoreContractTests : FeedbackStoreContractTests
{
    private readonly PostgreSqlTestStores _stores = new();

    [TearDown]
    public async Task DisposeStores() => await _stores.DisposeAsync();

    protected override async Task<IFeedbackStore> CreateStoreAsync() => _stores.Feedback(await PostgreSqlServerFixture.CreateDatabaseAsync());
}
