using Npgsql;
using SafeOpenAI.Testing;

namespace SafeOpenAI.PostgreSql.Tests.Review;

/// <summary>The change listener after the server goes down: it reconnects by itself and decisions made afterwards are heard again. On a server of its own, since it is killed.</summary>
public class PostgreSqlReviewListenerRecoveryTests
{
    [Test]
    [CancelAfter(120_000)]
    public async Task After_the_server_is_killed_and_restarted_the_listener_reconnects_and_hears_later_decisions(CancellationToken cancellationToken)
    {
        await using var server = await LocalPostgreSqlServer.StartAsync(cancellationToken);
        var connectionString = await server.CreateDatabaseAsync(cancellationToken: cancellationToken);
        await using var stores = new PostgreSqlTestStores();
        var storeA = stores.Review(connectionString);
        var storeB = stores.Review(connectionString);
        using var a = ReviewQueueInstances.Queue(storeA, TimeSpan.FromMinutes(1));
        using var b = ReviewQueueInstances.Queue(storeB, TimeSpan.FromMinutes(1));
        await a.SubmitAsync(ReviewQueueInstances.Submission("audit-before"), cancellationToken);
        await PostgreSqlReviewAcrossInstancesTests.ListeningAsync(storeA, 1, cancellationToken);

        await server.KillAsync(cancellationToken);
        await server.RestartAsync(cancellationToken);
        await PostgreSqlReviewAcrossInstancesTests.ListeningAsync(storeA, 2, cancellationToken);

        // The pooled connections of both instances died with the server; each is found broken on its next use.
        var held = await RetryAfterRestartAsync(() => b.SubmitAsync(ReviewQueueInstances.Submission("audit-after"), cancellationToken));
        await RetryAfterRestartAsync(() => a.GetSummaryAsync(held.ReviewId, cancellationToken));
        var waiting = a.WaitForDecisionAsync(held.ReviewId, cancellationToken);
        var decided = await b.RejectAsync(ReviewQueueInstances.Reviewer("rita"), held.ReviewId, null, cancellationToken);

        Assert.That(await waiting.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken), Is.EqualTo(decided));
        Assert.That(storeA.Listener.Connections, Is.EqualTo(2), "one reconnection");
    }

    private static async Task<T> RetryAfterRestartAsync<T>(Func<Task<T>> operation)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await operation();
            }
            catch (NpgsqlException) when (attempt < 10)
            {
                // A pooled connection from before the restart; Npgsql drops it, and the next attempt takes a new one.
            }
        }
    }
}
