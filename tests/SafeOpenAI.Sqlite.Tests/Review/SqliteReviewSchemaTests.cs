using Microsoft.Data.Sqlite;

using static SafeOpenAI.Sqlite.Tests.Review.ReviewRecords;

namespace SafeOpenAI.Sqlite.Tests.Review;

/// <summary>The review tables' own migrations: idempotent, safe when processes open a new file at once, next to the audit schema in one file, and the lists served by their indexes.</summary>
public class SqliteReviewSchemaTests
{
    [Test]
    public async Task Opening_the_file_again_applies_no_migration_twice_and_keeps_the_rows()
    {
        using var db = new TempDatabase();
        await db.ReviewStore().AddAsync(Pending(Id(1), T0), CancellationToken.None);
        await db.FeedbackStore().AddAsync(Report(Id(2), T0), CancellationToken.None);

        // New instances migrate on their first operation; a direct second migration changes nothing either.
        Assert.That(await db.ReviewStore().GetAsync(Id(1), CancellationToken.None), Is.Not.Null);
        Assert.That(await db.FeedbackStore().GetAsync(Id(2), CancellationToken.None), Is.Not.Null);
        using (var connection = new SqliteConnection(db.ConnectionString + ";Pooling=False"))
        {
            connection.Open();
            SqliteReviewSchema.Migrate(connection);
            SqliteReviewSchema.Migrate(connection);
            Assert.That(SqliteReviewSchema.ReadVersion(connection), Is.EqualTo(SqliteReviewSchema.LatestVersion));
        }

        Assert.That(db.Text("SELECT group_concat(version) FROM review_schema_migrations"), Is.EqualTo("1"));
        Assert.That(db.Text("PRAGMA journal_mode"), Is.EqualTo("wal"));
        Assert.That(db.Scalar("SELECT COUNT(*) FROM review_items") + db.Scalar("SELECT COUNT(*) FROM feedback_reports"), Is.EqualTo(2));
    }

    [Test]
    public async Task Stores_opening_a_new_file_at_the_same_time_migrate_it_once()
    {
        using var db = new TempDatabase();

        // Separate instances, separate unpooled connections: as separate processes would.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => i % 2 == 0
            ? db.ReviewStore(";Pooling=False").AddAsync(Pending(Id(i), T0), CancellationToken.None)
            : db.FeedbackStore(";Pooling=False").AddAsync(Report(Id(i), T0), CancellationToken.None))));

        Assert.That(db.Scalar("SELECT COUNT(*) FROM review_schema_migrations"), Is.EqualTo(1));
        Assert.That((db.Scalar("SELECT COUNT(*) FROM review_items"), db.Scalar("SELECT COUNT(*) FROM feedback_reports")), Is.EqualTo((4L, 4L)));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task The_review_tables_live_in_the_audit_file_without_touching_the_audit_schema(bool auditFirst)
    {
        using var db = new TempDatabase();
        var reviewId = Records.Full().ReviewId!;
        if (!auditFirst)
        {
            await db.ReviewStore().AddAsync(Pending(reviewId, T0, auditId: "call-1"), CancellationToken.None);
        }

        await using (var sink = new SqliteAuditSink(db.Options()))
        {
            await sink.WriteAsync(Records.Full("call-1"), CancellationToken.None);
        }

        if (auditFirst)
        {
            await db.ReviewStore().AddAsync(Pending(reviewId, T0, auditId: "call-1"), CancellationToken.None);
        }

        await db.FeedbackStore().AddAsync(Report(Id(2), T0, "call-1"), CancellationToken.None);

        Assert.That(db.Text("SELECT group_concat(version) FROM (SELECT version FROM schema_migrations ORDER BY version)"), Is.EqualTo("1,2"), "the audit schema");
        Assert.That(db.Text("SELECT group_concat(version) FROM review_schema_migrations"), Is.EqualTo("1"));
        var record = await db.Store().GetAsync("call-1", CancellationToken.None);
        var review = await db.ReviewStore().GetAsync(record!.ReviewId!, CancellationToken.None);
        Assert.That(review!.Summary.AuditId, Is.EqualTo(record.AuditId));
        Assert.That((await db.FeedbackStore().ListAsync(new FeedbackQuery { AuditId = record.AuditId }, CancellationToken.None)).Single().ReportId, Is.EqualTo(Id(2)));
    }

    [Test]
    public async Task A_file_with_a_newer_review_schema_is_refused()
    {
        using var db = new TempDatabase();
        await db.ReviewStore().AddAsync(Pending(Id(1), T0), CancellationToken.None);
        using (var connection = new SqliteConnection(db.ConnectionString + ";Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO review_schema_migrations VALUES (99, '2030-01-01T00:00:00Z');";
            command.ExecuteNonQuery();
        }

        var ex = Assert.ThrowsAsync<NotSupportedException>(() => db.ReviewStore().GetAsync(Id(1), CancellationToken.None));

        Assert.That(ex!.Message, Does.Contain("99"));
    }

    [Test]
    public async Task Every_list_is_served_by_an_index_in_its_own_order()
    {
        using var db = new TempDatabase();
        await db.ReviewStore().AddAsync(Pending(Id(1), T0), CancellationToken.None);
        await db.FeedbackStore().AddAsync(Report(Id(2), T0), CancellationToken.None);
        using var connection = new SqliteConnection(db.ConnectionString + ";Pooling=False");
        connection.Open();

        Assert.Multiple(() =>
        {
            Assert.That(Plan(connection, c => SqliteReviewRows.PrepareList(c, new ReviewListQuery())), Is.EqualTo("SCAN review_items USING INDEX ix_review_items_open"));
            Assert.That(Plan(connection, c => SqliteReviewRows.PrepareList(c, new ReviewListQuery { DueBefore = T0 })), Is.EqualTo("SEARCH review_items USING INDEX ix_review_items_open (deadline_ticks<?)"));
            Assert.That(Plan(connection, c => SqliteReviewRows.PrepareList(c, new ReviewListQuery { OpenOnly = false })), Is.EqualTo("SCAN review_items USING INDEX ix_review_items_deadline"));
            Assert.That(Plan(connection, c => SqliteReviewRows.PrepareList(c, new ReviewListQuery { SafetyIdentifier = "u" })), Does.StartWith("SEARCH review_items USING INDEX ix_review_items_user (safety_identifier=?"));
            Assert.That(Plan(connection, c => SqliteReviewRows.PrepareList(c, new ReviewListQuery { AuditId = "a" })), Does.StartWith("SEARCH review_items USING INDEX ix_review_items_audit (audit_id=?)"));
            Assert.That(Plan(connection, c => { c.CommandText = SqliteReviewStore.ListAccessSql; c.Parameters.AddWithValue("$subject", "s"); }), Is.EqualTo("SEARCH review_access_log USING INDEX ix_review_access_log_subject (subject_id=?)"));
            Assert.That(Plan(connection, c => SqliteFeedbackRows.PrepareList(c, new FeedbackQuery())), Is.EqualTo("SEARCH feedback_reports USING INDEX ix_feedback_reports_triage (triage=?)"));
            Assert.That(Plan(connection, c => SqliteFeedbackRows.PrepareList(c, new FeedbackQuery { Triage = null })), Is.EqualTo("SCAN feedback_reports USING INDEX ix_feedback_reports_received"));
            Assert.That(Plan(connection, c => SqliteFeedbackRows.PrepareList(c, new FeedbackQuery { AuditId = "a" })), Is.EqualTo("SEARCH feedback_reports USING INDEX ix_feedback_reports_audit (audit_id=? AND triage=?)"));
            Assert.That(Plan(connection, c => SqliteFeedbackRows.PrepareList(c, new FeedbackQuery { AuditId = "a", Triage = null })), Does.StartWith("SEARCH feedback_reports USING INDEX ix_feedback_reports_audit (audit_id=?)"));
        });
    }

    /// <summary>SQLite's query plan of the statement <paramref name="prepare"/> builds, one line per step; a sort the index does not give shows as "USE TEMP B-TREE".</summary>
    private static string Plan(SqliteConnection connection, Action<SqliteCommand> prepare)
    {
        using var command = connection.CreateCommand();
        prepare(command);
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        using var reader = command.ExecuteReader();
        var steps = new List<string>();
        while (reader.Read())
        {
            steps.Add(reader.GetString(3));
        }

        return string.Join(" | ", steps);
    }
}
