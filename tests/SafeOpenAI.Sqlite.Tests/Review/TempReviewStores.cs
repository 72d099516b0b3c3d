namespace SafeOpenAI.Sqlite.Tests.Review;

/// <summary>Fresh <see cref="SqliteReviewStore"/>s, each on its own temporary file, deleted on <see cref="Dispose"/>.</summary>
internal sealed class TempReviewStores : IDisposable
{
    private readonly List<TempDatabase> _databases = [];

    /// <summary>Creates a store on a new file; the store is also its access log.</summary>
    public Task<(IReviewStore Store, IReviewAccessLog AccessLog)> CreateAsync()
    {
        var db = new TempDatabase();
        _databases.Add(db);
        var store = db.ReviewStore();
        return Task.FromResult<(IReviewStore, IReviewAccessLog)>((store, store));
    }

    public void Dispose()
    {
        _databases.ForEach(db => db.Dispose());
        _databases.Clear();
    }
}
