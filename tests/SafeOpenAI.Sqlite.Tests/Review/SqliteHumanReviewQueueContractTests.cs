using SafeOpenAI.Tests.Review;

namespace SafeOpenAI.Sqlite.Tests.Review;

/// <summary>The queue contract shared with the in-memory store, with <see cref="HumanReviewQueue"/> over one <see cref="SqliteReviewStore"/> on a fresh file per test.</summary>
public class SqliteHumanReviewQueueContractTests : HumanReviewQueueContractTests
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
