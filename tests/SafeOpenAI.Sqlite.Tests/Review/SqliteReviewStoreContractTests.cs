using SafeOpenAI.Tests.Review;

namespace SafeOpenAI.Sqlite.Tests.Review;

/// <summary>The review store and access log contract shared with the in-memory store, on one <see cref="SqliteReviewStore"/> over a fresh file per test.</summary>
public class SqliteReviewStoreContractTests : ReviewStoreContractTests
{
    private readonly List<TempDatabase> _databases = [];

    [TearDown]
    public void DeleteFiles()
    {
        _databases.ForEach(db => db.Dispose());
        _databases.Clear();
    }

    protected override Task<(IReviewStore Store, IReviewAccessLog AccessLog)> CreateStoresAsync()
    {
        var db = new TempDatabase();
        _databases.Add(db);
        var store = db.ReviewStore();
        return Task.FromResult<(IReviewStore, IReviewAccessLog)>((store, store));
    }
}
