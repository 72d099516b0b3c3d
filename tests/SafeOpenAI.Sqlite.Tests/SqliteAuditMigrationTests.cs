using Microsoft.Data.Sqlite;

namespace SafeOpenAI.Sqlite.Tests;

/// <summary>A file written by the version 1 schema (as the first release created it) is read as is and migrated to version 2 by the sink.</summary>
public class SqliteAuditMigrationTests
{
    /// <summary>One record with its verdict as the first release wrote them, into a file built by the version 1 migration.</summary>
    private const string Version1Rows =
        """
        INSERT INTO audit_records VALUES (1, 'old-1', 638764848000000000, NULL, NULL, NULL, 'gpt-4o-mini', 1, 'ffff', NULL,
            'injection.detected', NULL, NULL, NULL, NULL, NULL, 2500000, NULL, '["PromptInjection:injection.detected"]', '[]', '[]');
        INSERT INTO audit_verdicts VALUES ('injection.detected', 1, 0, 'PromptInjection');
        """;

    [Test]
    public async Task A_version_1_file_reads_before_migration_and_is_migrated_to_version_2_by_the_sink()
    {
        using var db = new TempDatabase();
        using (var connection = new SqliteConnection(db.ConnectionString + ";Pooling=False"))
        {
            connection.Open();
            SqliteAuditSchema.Migrate(connection, syncEveryCommit: false, targetVersion: 1);
            using var command = connection.CreateCommand();
            command.CommandText = Version1Rows;
            command.ExecuteNonQuery();
        }

        var before = await db.Store().GetAsync("old-1", CancellationToken.None);
        Assert.That(before, Is.Not.Null);
        Assert.That((before!.Outcome, before.DecisiveCode, before.ReviewId, before.EncryptedInput), Is.EqualTo((AuditOutcome.Blocked, "injection.detected", (string?)null, (string?)null)));
        Assert.That(await db.Store().QueryAsync(new AuditQuery { ReviewId = "rev-1" }, CancellationToken.None), Is.Empty);

        await using (var sink = new SqliteAuditSink(db.Options()))
        {
            await sink.WriteAsync(Records.Full("new-1"), CancellationToken.None);
        }

        Assert.That(db.Text("SELECT group_concat(version) FROM (SELECT version FROM schema_migrations ORDER BY version)"), Is.EqualTo("1,2"));
        var old = (await db.Store().GetAsync("old-1", CancellationToken.None))!;
        Assert.That((old.Timestamp, old.Duration, old.VerdictCodes, old.ReviewId, old.EncryptedOutput), Is.EqualTo((before.Timestamp, before.Duration, before.VerdictCodes, (string?)null, (string?)null)));
        var added = (await db.Store().GetAsync("new-1", CancellationToken.None))!;
        Assert.That((added.ReviewId, added.EncryptedInput, added.EncryptedOutput), Is.EqualTo((Records.Full().ReviewId, Records.Full().EncryptedInput, Records.Full().EncryptedOutput)));
        Assert.That((await db.Store().QueryAsync(new AuditQuery { ReviewId = "review-7" }, CancellationToken.None)).Select(r => r.AuditId), Is.EqualTo(new[] { "new-1" }));
        Assert.That((await db.Store().QueryAsync(new AuditQuery { VerdictCode = "injection.detected" }, CancellationToken.None)).Select(r => r.AuditId), Is.EqualTo(new[] { "old-1" }));
    }
}
