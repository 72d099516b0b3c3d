using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;

namespace SafeOpenAI.Sqlite.Tests.Review;

/// <summary>
/// Two real processes share one SQLite review file: this test process holds an answer and waits for
/// the decision through its own <see cref="HumanReviewQueue"/>; a child process
/// (<c>tests/SafeOpenAI.Sqlite.ReviewWorker</c>) opens the review through another queue over another
/// store instance and approves it.
/// </summary>
public class SqliteReviewCrossProcessTests
{
    private const string Key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private const string OtherKey = "HxweHRwbGhkYFxYVFBMSERAPDg0MCwoJCAcGBQQDAgE=";
    private const string Answer = "A single 400 mg dose of ibuprofen is within the usual adult range; take it with food.";
    private static readonly SafetyVerdict Reason = new("RiskDomainReview", SafetyAction.Review, "review.risk_domain");

    [Test]
    public async Task A_decision_taken_in_another_process_reaches_the_waiting_caller()
    {
        using var db = new TempDatabase();
        var store = db.ReviewStore();
        var queue = Queue(store);
        var held = await queue.SubmitAsync(Submission(), CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var waiting = queue.WaitForDecisionAsync(held.ReviewId, timeout.Token);
        Assert.That(waiting.IsCompleted, Is.False, "nobody has decided yet");

        var (exitCode, output, error) = await RunWorkerAsync(db.Path, held.ReviewId, Key);

        Assert.That((exitCode, error), Is.EqualTo((0, string.Empty)));
        Assert.That(output.Trim(), Is.EqualTo($"approved {held.ReviewId} {Answer.Length}"), "the worker decrypted the material this process wrote");
        var decision = await waiting;
        Assert.That(decision.Outcome, Is.EqualTo(ReviewOutcome.Approved));
        Assert.That(decision.Answer, Is.EqualTo(Answer), "this process decrypts the answer the worker released");
        Assert.That((decision.DecidedBy, decision.Note), Is.EqualTo(("carol@example.test", "Dose checked against the label.")));
        var log = await store.ListAsync(held.ReviewId, CancellationToken.None);
        Assert.That(log.Select(e => (e.Principal, e.Action)), Is.EqualTo(new[] { ("carol@example.test", ReviewAccessAction.Read), ("carol@example.test", ReviewAccessAction.Approved) }));
        var files = string.Concat(new[] { db.Path, db.Path + "-wal" }.Where(File.Exists).Select(f => File.ReadAllText(f, System.Text.Encoding.Latin1)));
        Assert.That(files, Does.Contain(held.ReviewId).And.Not.Contain("ibuprofen").And.Not.Contain("label"), "ids in the clear; material, answer and note encrypted at rest");
    }

    [Test]
    public async Task A_process_with_another_key_cannot_decide_and_the_review_stays_open()
    {
        using var db = new TempDatabase();
        var store = db.ReviewStore();
        var held = await Queue(store).SubmitAsync(Submission(), CancellationToken.None);

        var (exitCode, _, error) = await RunWorkerAsync(db.Path, held.ReviewId, OtherKey);

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(error, Does.StartWith("System.Security.Cryptography.CryptographicException"));
        var summary = (await store.GetAsync(held.ReviewId, CancellationToken.None))!.Summary;
        Assert.That((summary.Status, summary.Outcome), Is.EqualTo((ReviewStatus.Pending, (ReviewOutcome?)null)));
    }

    private static HumanReviewQueue Queue(SqliteReviewStore store)
    {
        var options = new HumanReviewOptions { MaterialKey = Key, PollInterval = TimeSpan.FromMilliseconds(50) };
        return new HumanReviewQueue(store, store, new RoleReviewerAuthorization(options.ReviewerRole), new AuditContentProtector(Key), options, TimeProvider.System, NullLoggerFactory.Instance);
    }

    private static ReviewSubmission Submission() => new(
        "audit-" + Guid.NewGuid().ToString("N"),
        new string('7', 64),
        "healthcare",
        Reason,
        new ReviewMaterial([new ReviewMessage(MessageRole.User, "Is 400 mg of ibuprofen safe for me?")], Answer, [], [Reason]));

    /// <summary>Runs the worker to its end; the key goes through the environment, as a deployment would pass it.</summary>
    private static async Task<(int ExitCode, string Output, string Error)> RunWorkerAsync(string database, string reviewId, string key)
    {
        var worker = Path.Combine(AppContext.BaseDirectory.Replace("SafeOpenAI.Sqlite.Tests", "SafeOpenAI.Sqlite.ReviewWorker", StringComparison.Ordinal), "SafeOpenAI.Sqlite.ReviewWorker.dll");
        Assert.That(File.Exists(worker), Is.True, worker);
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { worker, database, reviewId, "carol@example.test", "Dose checked against the label." },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["SAFEOPENAI_REVIEW_KEY"] = key;
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }
}
