namespace SafeOpenAI.PostgreSql;

/// <summary>
/// Options of the PostgreSQL store, set in code with <c>UsePostgreSqlStore</c>. Read once, when the
/// stores are created. Not thread-safe while being changed.
/// </summary>
public sealed class PostgreSqlStoreOptions
{
    /// <summary>
    /// Gets or sets the Npgsql connection string, for example
    /// <c>Host=db.internal;Database=app;Username=app;Password=...</c>
    /// (https://www.npgsql.org/doc/connection-string-parameters.html). Required. Every instance of the
    /// application names the same database; the tables live in its <c>safeopenai</c> schema, created and
    /// migrated by the first operation. The role needs <c>CREATE</c> on the database for the first
    /// migration, and <c>SELECT</c>, <c>INSERT</c> and <c>UPDATE</c> on the tables after that.
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Gets the options of the audit sink.</summary>
    public PostgreSqlAuditOptions Audit { get; } = new();

    /// <summary>Gets the options of the review queue store, access log and feedback store.</summary>
    public PostgreSqlReviewOptions Review { get; } = new();
}
