using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;
using SafeOpenAI.Testing;

namespace SafeOpenAI.Sqlite.Tests.Review;

/// <summary>
/// Two application instances (two service providers) share one SQLite file for the audit trail,
/// the review queue and feedback: calls go through <see cref="SafeChatClient"/>, the real OpenAI SDK
/// and HTTP to the local OpenAI-compatible endpoint; the answer held by one instance is decided by a
/// reviewer on the other, and a user's report is triaged there next to the call's audit record.
/// </summary>
public class SqliteHumanReviewIntegrationTests
{
    private const string Key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private const string HashKey = "sqlite-review-integration-hash-key-0123456789";
    private const string Question = "My son is 4 and has a fever of 39.2. How much paracetamol can I give him?";
    private const string ModelAnswer = "For a four-year-old, 7.5 ml of the 120 mg/5 ml paracetamol syrup, up to four times in 24 hours.";
    private const string Comment = "The dose is for a heavier child; mine weighs 14 kg.";

    private static readonly ClaimsPrincipal Rita = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "rita"), new Claim(ClaimTypes.Role, "safeopenai-reviewer")], "test"));

    [Test]
    public async Task An_answer_held_by_one_instance_is_approved_on_another_and_a_report_on_it_is_triaged_next_to_its_audit_record()
    {
        using var db = new TempDatabase();
        await using var endpoint = await LocalOpenAIEndpoint.StartAsync();
        endpoint.Chat.Enqueue(ScriptedChatResponse.Text(ModelAnswer));

        // The order of UseHumanReview and UseSqliteHumanReview differs between the two instances: neither matters.
        await using var app = Instance(endpoint, db, b => b.UseSqliteHumanReview(db.ConnectionString).UseHumanReview());
        await using var reviewers = Instance(endpoint, db, b => b.UseHumanReview().UseSqliteHumanReview(db.ConnectionString));
        Assert.That(app.GetRequiredService<IReviewStore>(), Is.InstanceOf<SqliteReviewStore>());
        Assert.That(reviewers.GetRequiredService<IFeedbackStore>(), Is.InstanceOf<SqliteFeedbackStore>());

        var result = await app.GetRequiredService<SafeChatClient>().CompleteAsync(
            new SafeChatRequest([ChatMessage.CreateUserMessage(Question)]) { Identity = new SafetyIdentity("parent-7"), RiskDomain = "healthcare" });
        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.PendingReview));
        var waiting = app.GetRequiredService<IHumanReviewQueue>().WaitForDecisionAsync(result.ReviewId!, CancellationToken.None);

        var queue = reviewers.GetRequiredService<IHumanReviewQueue>();
        Assert.That((await queue.ListAsync(Rita, null, CancellationToken.None)).Select(s => s.ReviewId), Is.EqualTo(new[] { result.ReviewId }));
        var item = await queue.OpenAsync(Rita, result.ReviewId!, CancellationToken.None);
        Assert.That((item.Material.Answer, item.Material.Conversation.Single().Text), Is.EqualTo((ModelAnswer, Question)));
        await queue.ApproveAsync(Rita, result.ReviewId!, "Dose matches the label.", CancellationToken.None);

        var decision = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That((decision.Outcome, decision.Answer, decision.DecidedBy), Is.EqualTo((ReviewOutcome.Approved, ModelAnswer, "rita")));

        // The user reports the released answer on the application's instance ...
        var hasher = app.GetRequiredService<SafetyHasher>();
        var receipt = await app.GetRequiredService<IFeedbackSink>().ReportAsync(
            new FeedbackReport(result.AuditId, FeedbackCategory.Wrong, Comment, hasher.ComputeSafetyIdentifier("parent-7")), CancellationToken.None);

        // ... and a reviewer triages it on the other, next to the call's audit record and review.
        var inbox = reviewers.GetRequiredService<FeedbackInbox>();
        Assert.That((await inbox.ListAsync(Rita, null, CancellationToken.None)).Select(e => e.ReportId), Is.EqualTo(new[] { receipt.ReportId }));
        var report = await inbox.OpenAsync(Rita, receipt.ReportId, CancellationToken.None);
        Assert.That(report.Comment, Is.EqualTo(Comment));
        Assert.That((report.AuditRecord!.AuditId, report.AuditRecord.ReviewId, report.AuditRecord.Outcome), Is.EqualTo((result.AuditId, result.ReviewId, AuditOutcome.PendingReview)));
        Assert.That((report.Review!.ReviewId, report.Review.Outcome), Is.EqualTo((result.ReviewId, (ReviewOutcome?)ReviewOutcome.Approved)));
        var triaged = await inbox.TriageAsync(Rita, receipt.ReportId, FeedbackTriageStatus.Confirmed, "Weight-based dosing needed.", CancellationToken.None);
        Assert.That((await app.GetRequiredService<IFeedbackStore>().GetAsync(receipt.ReportId, CancellationToken.None))!.Triage, Is.EqualTo(FeedbackTriageStatus.Confirmed));
        Assert.That(triaged.Version, Is.EqualTo(2));

        // The audit store reads back for feedback: a report about a call that never happened is refused.
        Assert.ThrowsAsync<ReviewNotFoundException>(() => reviewers.GetRequiredService<IFeedbackSink>().ReportAsync(new FeedbackReport("no-such-call", FeedbackCategory.Other, null, null), CancellationToken.None));

        // Who saw what, in one log: the review's read and approval, the report's read and triage.
        var log = reviewers.GetRequiredService<IReviewAccessLog>();
        Assert.That((await log.ListAsync(result.ReviewId!, CancellationToken.None)).Select(e => (e.Principal, e.Action)), Is.EqualTo(new[] { ("rita", ReviewAccessAction.Read), ("rita", ReviewAccessAction.Approved) }));
        Assert.That((await log.ListAsync(receipt.ReportId, CancellationToken.None)).Select(e => e.Action), Is.EqualTo(new[] { ReviewAccessAction.Read, ReviewAccessAction.Triaged }));
    }

    private static ServiceProvider Instance(LocalOpenAIEndpoint endpoint, TempDatabase db, Action<ISafeOpenAIBuilder> review)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(endpoint.CreateChatClient("gpt-4o-mini", maxRetries: 0));
        services.AddSingleton(endpoint.CreateModerationClient(maxRetries: 0));
        var builder = services.AddSafeOpenAI(o =>
        {
            o.Identity.HashKey = HashKey;
            o.Review.MaterialKey = Key;
            o.Review.PollInterval = TimeSpan.FromMilliseconds(50);
        }).UseSqliteAudit(db.ConnectionString).AddRiskDomainReview();
        review(builder);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
