using Npgsql;

namespace SafeOpenAI.PostgreSql.Tests.Review;

/// <summary>
/// Two application instances (two queues, two stores, two data sources) on one database: claims are never
/// given twice, a decision made on one instance wakes a caller waiting on the other through LISTEN/NOTIFY,
/// and nothing a user or reviewer wrote is stored in the clear.
/// </summary>
public class PostgreSqlReviewAcrossInstancesTests
{
    private readonly PostgreSqlTestStores _stores = new();

    [TearDown]
    public async Task DisposeStores() => await _stores.DisposeAsync();

    [Test]
    public async Task Eight_reviewers_on_two_instances_claim_each_of_200_reviews_exactly_once()
    {
        var connectionString = await PostgreSqlServerFixture.CreateDatabaseAsync();
        var storeA = _stores.Review(connectionString);
        var storeB = _stores.Review(connectionString);
        using var a = ReviewQueueInstances.Queue(storeA, TimeSpan.FromSeconds(1));
        using var b = ReviewQueueInstances.Queue(storeB, TimeSpan.FromSeconds(1));
        var held = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            held.Add((await (i % 2 == 0 ? a : b).SubmitAsync(ReviewQueueInstances.Submission("audit-" + i), CancellationToken.None)).ReviewId);
        }

        // Four reviewers per instance, each claiming until nothing is left.
        var reviewers = Enumerable.Range(0, 8).Select(r => Task.Run(async () =>
        {
            var queue = r < 4 ? a : b;
            var name = "reviewer-" + r;
            var mine = new List<(string ReviewId, string ClaimedBy)>();
            while (await queue.ClaimNextAsync(ReviewQueueInstances.Reviewer(name), null, CancellationToken.None) is { } claimed)
            {
                Assert.That(claimed.ClaimedBy, Is.EqualTo(name));
                mine.Add((claimed.ReviewId, name));
            }

            return mine;
        })).ToArray();
        var claims = (await Task.WhenAll(reviewers)).SelectMany(c => c).ToArray();

        Assert.That(claims.Select(c => c.ReviewId), Is.EquivalentTo(held), "every review claimed, none twice");
        Assert.That(claims.Select(c => c.ClaimedBy).Distinct().Count(), Is.GreaterThan(1), "the work was shared");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var logged = new NpgsqlCommand("SELECT subject_id, count(*) FROM safeopenai.review_access_log WHERE action = $1 GROUP BY subject_id;", connection);
        logged.Parameters.Add(new NpgsqlParameter { Value = (int)ReviewAccessAction.Claimed });
        var claimsLogged = new Dictionary<string, long>();
        await using (var reader = await logged.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                claimsLogged[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        Assert.That(claimsLogged.Keys, Is.EquivalentTo(held));
        Assert.That(claimsLogged.Values, Is.All.EqualTo(1), "one claim logged per review");
        foreach (var (reviewId, claimedBy) in claims.Take(20))
        {
            Assert.That((await storeB.GetAsync(reviewId, CancellationToken.None))!.Summary.ClaimedBy, Is.EqualTo(claimedBy));
        }
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_caller_waiting_on_one_instance_hears_a_decision_made_on_the_other(CancellationToken cancellationToken)
    {
        var connectionString = await PostgreSqlServerFixture.CreateDatabaseAsync();
        var storeA = _stores.Review(connectionString);
        var storeB = _stores.Review(connectionString);

        // Polling once a minute: only the notice can explain a prompt return.
        using var a = ReviewQueueInstances.Queue(storeA, TimeSpan.FromMinutes(1));
        using var b = ReviewQueueInstances.Queue(storeB, TimeSpan.FromMinutes(1));
        var held = await a.SubmitAsync(ReviewQueueInstances.Submission("audit-wait"), cancellationToken);
        await ListeningAsync(storeA, 1, cancellationToken);
        var waiting = a.WaitForDecisionAsync(held.ReviewId, cancellationToken);

        var decided = await b.ApproveAsync(ReviewQueueInstances.Reviewer("rita"), held.ReviewId, "Checked against the guideline.", cancellationToken);
        var heard = await waiting.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);

        Assert.That(heard, Is.EqualTo(decided));
        Assert.That(heard.Answer, Is.EqualTo(ReviewQueueInstances.HeldAnswer));
    }

    [Test]
    public async Task Material_answers_and_notes_are_never_stored_in_the_clear()
    {
        var connectionString = await PostgreSqlServerFixture.CreateDatabaseAsync();
        var store = _stores.Review(connectionString);
        using var queue = ReviewQueueInstances.Queue(store, TimeSpan.FromSeconds(1));
        const string Note = "Released after checking the emergency guideline with Dr. Novak.";
        var approved = await queue.SubmitAsync(ReviewQueueInstances.Submission("audit-approved"), CancellationToken.None);
        await queue.OpenAsync(ReviewQueueInstances.Reviewer("rita"), approved.ReviewId, CancellationToken.None);
        await queue.ApproveAsync(ReviewQueueInstances.Reviewer("rita"), approved.ReviewId, Note, CancellationToken.None);
        var edited = await queue.SubmitAsync(ReviewQueueInstances.Submission("audit-edited"), CancellationToken.None);
        await queue.EditAndApproveAsync(ReviewQueueInstances.Reviewer("rita"), edited.ReviewId, "Call emergency services now.", Note, CancellationToken.None);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var rows = new List<string>();
        foreach (var table in new[] { "review_items", "review_access_log" })
        {
            await using var all = new NpgsqlCommand($"SELECT t::text FROM safeopenai.{table} t;", connection);
            await using var reader = await all.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }
        }

        Assert.That(rows, Has.Count.GreaterThanOrEqualTo(5), "two reviews and their log entries");
        Assert.That(rows, Has.None.Contain("chest pain"));
        Assert.That(rows, Has.None.Contain("aspirin"));
        Assert.That(rows, Has.None.Contain("Call emergency services"));
        Assert.That(rows, Has.None.Contain("Dr. Novak"));
    }

    /// <summary>Waits until the store's listener has connected <paramref name="connections"/> times (it connects in the background).</summary>
    internal static async Task ListeningAsync(PostgreSqlReviewStore store, long connections, CancellationToken cancellationToken)
    {
        while (store.Listener.Connections < connections)
        {
            await Task.Delay(20, cancellationToken);
        }
    }
}
