using Npgsql;

namespace SafeOpenAI.PostgreSql.Tests;

/// <summary>Migrations on a real server: applied once when instances start together, recorded, refused when the database is newer.</summary>
public class PostgreSqlMigratorTests
{
    private static readonly PostgreSqlSchemaPart s_part = new(
        "sample",
        "sample_schema_migrations",
        [
            "CREATE TABLE safeopenai.sample_items (id bigint PRIMARY KEY);",
            "ALTER TABLE safeopenai.sample_items ADD COLUMN name text; CREATE INDEX ix_sample_items_name ON safeopenai.sample_items (name);",
        ]);

    [Test]
    public async Task Eight_instances_starting_together_apply_each_migration_once()
    {
        var connectionString = await PostgreSqlServerFixture.CreateDatabaseAsync();
        var databases = Enumerable.Range(0, 8).Select(_ => new PostgreSqlDatabase(NpgsqlDataSource.Create(connectionString), [s_part])).ToList();
        try
        {
            await Task.WhenAll(databases.Select(db => db.EnsureMigratedAsync(CancellationToken.None)));

            await using var connection = await databases[0].OpenAsync(CancellationToken.None);
            await using var versions = new NpgsqlCommand("SELECT version FROM safeopenai.sample_schema_migrations ORDER BY version;", connection);
            var applied = new List<int>();
            await using (var reader = await versions.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    applied.Add(reader.GetInt32(0));
                }
            }

            Assert.That(applied, Is.EqualTo(new[] { 1, 2 }));
            await using var insert = new NpgsqlCommand("INSERT INTO safeopenai.sample_items (id, name) VALUES (1, 'a');", connection);
            Assert.That(await insert.ExecuteNonQueryAsync(), Is.EqualTo(1), "the second migration's column exists");
        }
        finally
        {
            foreach (var database in databases)
            {
                await database.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task A_database_with_a_newer_schema_is_refused_naming_both_versions()
    {
        var connectionString = await PostgreSqlServerFixture.CreateDatabaseAsync();
        await using (var newer = new PostgreSqlDatabase(NpgsqlDataSource.Create(connectionString), [s_part with { Migrations = [.. s_part.Migrations, "SELECT 1;"] }]))
        {
            await newer.EnsureMigratedAsync(CancellationToken.None);
        }

        await using var older = new PostgreSqlDatabase(NpgsqlDataSource.Create(connectionString), [s_part]);
        var error = Assert.ThrowsAsync<NotSupportedException>(() => older.EnsureMigratedAsync(CancellationToken.None));
        Assert.That(error!.Message, Does.Contain("sample tables").And.Contain("version 3").And.Contain("up to 2"));
    }

    [Test]
    public async Task A_failed_first_migration_is_retried_by_the_next_open()
    {
        var connectionString = await PostgreSqlServerFixture.CreateDatabaseAsync();
        var broken = s_part with { Migrations = ["CREATE TABLE safeopenai.sample_items (id bigint PRIMARY KEY); SELECT 1/0;"] };
        await using var database = new PostgreSqlDatabase(NpgsqlDataSource.Create(connectionString), [broken]);
        Assert.ThrowsAsync<PostgresException>(() => database.EnsureMigratedAsync(CancellationToken.None));

        await using var fixedDatabase = new PostgreSqlDatabase(NpgsqlDataSource.Create(connectionString), [s_part]);
        await fixedDatabase.EnsureMigratedAsync(CancellationToken.None);
        await using var connection = await fixedDatabase.OpenAsync(CancellationToken.None);
        Assert.That(await PostgreSqlMigrator.ReadVersionAsync(connection, null, s_part.VersionTable, CancellationToken.None), Is.EqualTo(2), "the failed transaction left nothing behind");
    }
}
