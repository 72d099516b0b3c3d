namespace SafeOpenAI.PostgreSql;

/// <summary>Options of the PostgreSQL review store, access log and feedback store, part of <see cref="PostgreSqlStoreOptions"/>. Read once, when the stores are created.</summary>
public sealed class PostgreSqlReviewOptions
{
}
