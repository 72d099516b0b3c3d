namespace SafeOpenAI.PostgreSql.Tests.Review;

/// <summary>PostgreSQL review and feedback stores of one test, each over its own data source, disposed by <see cref="DisposeAsync"/>.</summary>
internal sealed class PostgreSqlTestStores : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _stores = [];

    /// <summary>A review store over its own data source (standing for one application instance) on <paramref name="connectionString"/>.</summary>
    public PostgreSqlReviewStore Review(string connectionString)
    {
        var store = new PostgreSqlReviewStore(connectionString);
        _stores.Add(store);
        return store;
    }

    /// <summary>A feedback store over its own data source on <paramref name="connectionString"/>.</summary>
    public PostgreSqlFeedbackStore Feedback(string connectionString)
    {
        var store = new PostgreSqlFeedbackStore(connectionString);
        _stores.Add(store);
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        _stores.Clear();
    }
}
