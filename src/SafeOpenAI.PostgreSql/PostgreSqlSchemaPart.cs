namespace SafeOpenAI.PostgreSql;

/// <summary>One independently versioned part of SafeOpenAI's PostgreSQL schema: its version table and its migrations, oldest first.</summary>
/// <param name="Name">The part's name in error messages, for example <c>audit</c>.</param>
/// <param name="VersionTable">Its version table in the <c>safeopenai</c> schema, unqualified.</param>
/// <param name="Migrations">Its migrations; version N is element N - 1. A released migration is never edited.</param>
internal sealed record PostgreSqlSchemaPart(string Name, string VersionTable, IReadOnlyList<string> Migrations)
{
    /// <summary>Gets the newest version this library writes.</summary>
    public int LatestVersion => Migrations.Count;
}
