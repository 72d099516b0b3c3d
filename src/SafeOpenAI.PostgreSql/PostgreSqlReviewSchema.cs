namespace SafeOpenAI.PostgreSql;

/// <summary>The versioned schema of the review, access-log and feedback tables in the <c>safeopenai</c> schema. Version numbers only grow; a released migration is never edited.</summary>
internal static class PostgreSqlReviewSchema
{
    /// <summary>Gets the review part: version table <c>review_schema_migrations</c>.</summary>
    public static PostgreSqlSchemaPart Part { get; } = new(
        "review",
        "review_schema_migrations",
        [
            """
            CREATE TABLE safeopenai.review_items (
                review_id text NOT NULL PRIMARY KEY,
                version bigint NOT NULL
            );
            """,
        ]);
}
