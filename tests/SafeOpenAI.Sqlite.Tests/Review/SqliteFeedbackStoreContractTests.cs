using SafeOpenAI.Tests.Feedback;

namespace SafeOpenAI.Sqlite.Tests.Review;

/// <summary>The feedback store contract shared with the in-memory store, on <see cref="SqliteFeedbackStore"/> over a fresh file per test.</summary>
public class SqliteFeedbackStoreContractTests : FeedbackStoreContractTests
{
    private readonly List<TempDatabase> _databases = [];

    [TearDown]
    public void DeleteFiles()
    {
        _databases.ForEach(db => db.Dispose());
        _databases.Clear();
    }

    protected override Task<IFeedbackStore> CreateStoreAsync()
    {
        var db = new TempDatabase();
        _databases.Add(db);
        return Task.FromResult<IFeedbackStore>(db.FeedbackStore());
    }
}
