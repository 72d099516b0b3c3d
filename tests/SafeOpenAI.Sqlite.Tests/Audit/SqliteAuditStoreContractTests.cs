using SafeOpenAI.Tests.Audit;

namespace SafeOpenAI.Sqlite.Tests.Audit;

/// <summary>The audit store contract shared with the in-memory and PostgreSQL stores, on a <see cref="SqliteAuditSink"/> and <see cref="SqliteAuditStore"/> over a fresh file per test.</summary>
public class SqliteAuditStoreContractTests : AuditStoreContractTests
{
    private TempDatabase? _db;
    private SqliteAuditSink? _sink;

    [TearDown]
    public async Task DeleteFileAsync()
    {
        if (_sink is not null)
        {
            await _sink.DisposeAsync();
        }

        _db?.Dispose();
    }

    protected override Task<AuditStoreUnderTest> CreateStoreAsync()
    {
        _db = new TempDatabase();
        _sink = new SqliteAuditSink(_db.Options());
        var store = _db.Store();
        return Task.FromResult(new AuditStoreUnderTest(_sink, store, store.QueryAsync));
    }
}
