using SafeOpenAI.Tests.Audit;

namespace SafeOpenAI.PostgreSql.Tests.Audit;

/// <summary>The audit store contract shared with the in-memory and SQLite stores, on a <see cref="PostgreSqlAuditSink"/> and <see cref="PostgreSqlAuditStore"/> over a fresh database per test.</summary>
public class PostgreSqlAuditStoreContractTests : AuditStoreContractTests
{
    private AuditDatabase? _db;

    [TearDown]
    public async Task DisposeAsync()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }

    protected override async Task<AuditStoreUnderTest> CreateStoreAsync()
    {
        _db = await AuditDatabase.CreateAsync();
        var store = _db.Store();
        return new AuditStoreUnderTest(_db.Sink(), store, store.QueryAsync);
    }
}
