namespace SafeOpenAI.PostgreSql;

/// <summary>Options of the PostgreSQL audit sink, part of <see cref="PostgreSqlStoreOptions"/>. Read once, when the sink is created.</summary>
public sealed class PostgreSqlAuditOptions
{
}
