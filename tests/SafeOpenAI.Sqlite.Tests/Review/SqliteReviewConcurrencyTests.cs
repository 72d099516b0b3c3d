using static SafeOpenAI.Sqlite.Tests.Review.ReviewRecords;

namespace SafeOpenAI.Sqlite.Tests.Review;

/// <summary>
/// Two store instances over one file, one on pooled and one on unpooled connections, racing as two
/// processes would: every compare-and-set has exactly one winner, and no update is lost. The racers
/// run on threads of their own released together by a barrier at each round, so that they do race.
/// </summary>
public class SqliteReviewConcurrencyTests
{
    private TempDatabase _db = null!;
    private SqliteReviewStore _first = null!;
    private SqliteReviewStore _second = null!;

    [SetUp]
    public void Open()
    {
        _db = new TempDatabase();
        _first = _db.ReviewStore();
        _second = _db.ReviewStore(";Pooling=False");
    }

    [TearDown]
    public void Delete() => _db.Dispose();

    [Test]
    public async Task Of_two_stores_deciding_the_same_version_exactly_one_wins_every_time()
    {
        const int Rounds = 200;
        var pending = Enumerable.Range(0, Rounds).Select(i => Pending(Id(i), T0.AddHours(1))).ToArray();
        foreach (var record in pending)
        {
            await _first.AddAsync(record, CancellationToken.None);
        }

        ReviewRecord Decision(int racer, int round) => racer == 0
            ? Next(pending[round], ReviewStatus.Approved, "carol@example.test")
            : Next(pending[round], ReviewStatus.Rejected, "dave@example.test");

        var won = await Together(2, Rounds, (racer, round) => Store(racer).TryReplaceAsync(Decision(racer, round), 1, CancellationToken.None));

        for (var round = 0; round < Rounds; round++)
        {
            Assert.That(won[0][round] ^ won[1][round], Is.True, $"round {round}: {won[0][round]}, {won[1][round]}");
            Assert.That(await _first.GetAsync(Id(round), CancellationToken.None), Is.EqualTo(Decision(won[0][round] ? 0 : 1, round)), $"round {round}: the winner's state is stored");
        }

        TestContext.Out.WriteLine($"rounds won by the pooled store: {won[0].Count(w => w)} of {Rounds}");
    }

    [Test]
    public async Task Eight_contenders_on_two_stores_have_one_winner_per_review()
    {
        const int Rounds = 40;
        const int Contenders = 8;
        for (var i = 0; i < Rounds; i++)
        {
            await _first.AddAsync(Pending(Id(i), T0.AddHours(1)), CancellationToken.None);
        }

        var won = await Together(Contenders, Rounds, (racer, round) =>
            Store(racer).TryReplaceAsync(Next(Pending(Id(round), T0.AddHours(1)), ReviewStatus.Claimed, $"reviewer-{racer}"), 1, CancellationToken.None));

        for (var round = 0; round < Rounds; round++)
        {
            var winners = Enumerable.Range(0, Contenders).Where(racer => won[racer][round]).ToArray();
            Assert.That(winners, Has.Length.EqualTo(1), $"round {round}");
            Assert.That((await _second.GetAsync(Id(round), CancellationToken.None))!.Summary.ClaimedBy, Is.EqualTo($"reviewer-{winners[0]}"));
        }
    }

    [Test]
    public async Task Read_modify_write_loops_on_two_stores_lose_no_update()
    {
        const int Workers = 4;
        const int UpdatesPerWorker = 25;
        await _first.AddAsync(Pending(Id(1), T0.AddHours(1)), CancellationToken.None);
        var conflicts = 0;

        // Each worker counts one escalation per round: read, add one, compare-and-set, again on conflict.
        await Together(Workers, UpdatesPerWorker, async (worker, _) =>
        {
            var store = Store(worker);
            while (true)
            {
                var current = (await store.GetAsync(Id(1), CancellationToken.None))!;
                var next = current with { Summary = current.Summary with { Escalations = current.Summary.Escalations + 1 }, Version = current.Version + 1 };
                if (await store.TryReplaceAsync(next, current.Version, CancellationToken.None))
                {
                    return true;
                }

                Interlocked.Increment(ref conflicts);
            }
        });

        var final = (await _second.GetAsync(Id(1), CancellationToken.None))!;
        Assert.That(final.Summary.Escalations, Is.EqualTo(Workers * UpdatesPerWorker));
        Assert.That(final.Version, Is.EqualTo(1 + (Workers * UpdatesPerWorker)));
        TestContext.Out.WriteLine($"compare-and-set conflicts retried: {conflicts}");
    }

    [Test]
    public async Task Concurrent_appends_from_two_stores_are_all_kept()
    {
        const int PerStore = 100;
        await Together(2, PerStore, async (racer, round) =>
        {
            await Store(racer).AppendAsync(new ReviewAccessEntry(Id(1), racer == 0 ? "carol" : "dave", ReviewAccessAction.Read, T0.AddSeconds(round)), CancellationToken.None);
            return true;
        });

        var log = await _first.ListAsync(Id(1), CancellationToken.None);

        Assert.That(log.Count(e => e.Principal == "carol"), Is.EqualTo(PerStore));
        Assert.That(log.Count(e => e.Principal == "dave"), Is.EqualTo(PerStore));
        Assert.That(log.Select(e => e.At), Is.Ordered);
    }

    [Test]
    public async Task Of_two_feedback_stores_triaging_the_same_version_exactly_one_wins_every_time()
    {
        const int Rounds = 100;
        SqliteFeedbackStore[] stores = [_db.FeedbackStore(), _db.FeedbackStore(";Pooling=False")];
        for (var i = 0; i < Rounds; i++)
        {
            await stores[0].AddAsync(Report(Id(i), T0), CancellationToken.None);
        }

        FeedbackEntry Triage(int racer, int round) => Report(Id(round), T0) with
        {
            Triage = racer == 0 ? FeedbackTriageStatus.Confirmed : FeedbackTriageStatus.Dismissed,
            TriagedBy = racer == 0 ? "erin" : "frank",
            TriagedAt = T0.AddHours(1),
            Version = 2,
        };

        var won = await Together(2, Rounds, (racer, round) => stores[racer].TryReplaceAsync(Triage(racer, round), 1, CancellationToken.None));

        for (var round = 0; round < Rounds; round++)
        {
            Assert.That(won[0][round] ^ won[1][round], Is.True, $"round {round}");
            Assert.That(await stores[1].GetAsync(Id(round), CancellationToken.None), Is.EqualTo(Triage(won[0][round] ? 0 : 1, round)));
        }
    }

    /// <summary>
    /// Runs <paramref name="racers"/> threads of their own for <paramref name="rounds"/> rounds; a barrier
    /// releases them together at the start of each round. Returns each racer's results by round.
    /// </summary>
    private static async Task<bool[][]> Together(int racers, int rounds, Func<int, int, Task<bool>> step)
    {
        using var barrier = new Barrier(racers);
        var threads = Enumerable.Range(0, racers).Select(racer => Task.Factory.StartNew(
            () =>
            {
                var results = new bool[rounds];
                for (var round = 0; round < rounds; round++)
                {
                    barrier.SignalAndWait();
                    results[round] = step(racer, round).GetAwaiter().GetResult();
                }

                return results;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        return await Task.WhenAll(threads);
    }

    private SqliteReviewStore Store(int racer) => racer % 2 == 0 ? _first : _second;
}
