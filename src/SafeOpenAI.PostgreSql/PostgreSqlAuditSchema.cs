namespace SafeOpenAI.PostgreSql;

/// <summary>The versioned schema of the audit tables in the <c>safeopenai</c> schema. Version numbers only grow; a released migration is never edited.</summary>
internal static class PostgreSqlAuditSchema
{
    /// <summary>Gets the audit part: version table <c>audit_schema_migrations</c>.</summary>
    public static PostgreSqlSchemaPart Part { get; } = new(
        "audit",
        "audit_schema_migrations",
        [
            """
            CREATE TABLE safeopenai.audit_records (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                audit_id text NOT NULL UNIQUE
            );
            """,
        ]);
}
