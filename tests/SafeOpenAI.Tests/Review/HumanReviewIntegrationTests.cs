using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenAI.Chat;
using SafeOpenAI.Testing;
using SafeOpenAI.Tests.Integration;

namespace SafeOpenAI.Tests.Review;

/// <summary>
/// Human review end to end: <see cref="SafeChatClient"/> over the real OpenAI SDK and HTTP to the
/// local OpenAI-compatible endpoint, <c>UseHumanReview()</c>, a reviewer deciding through the queue
/// and the caller awaiting the decision.
/// </summary>
public class HumanReviewIntegrationTests
{
    private const string Question = "My son is 4 and has a fever of 39.2. How much paracetamol can I give him?";
    private const string ModelAnswer = "For a four-year-old, 7.5 ml of the 120 mg/5 ml paracetamol syrup, up to four times in 24 hours.";

    private static readonly ClaimsPrincipal Rita = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "rita"), new Claim(ClaimTypes.Role, "safeopenai-reviewer")], "test"));

    private static SafeChatRequest Ask(string text, string? riskDomain) =>
        new([ChatMessage.CreateSystemMessage("You are a family health assistant."), ChatMessage.CreateUserMessage(text)])
        {
            Identity = new SafetyIdentity("parent-7", "session-1"),
            RiskDomain = riskDomain,
        };

    [Test]
    public async Task A_healthcare_answer_is_held_until_a_reviewer_approves_it_and_the_caller_then_gets_it()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.UseHumanReview().AddRiskDomainReview());
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(ModelAnswer));
        var queue = host.Services.GetRequiredService<IHumanReviewQueue>();

        var result = await host.Client.CompleteAsync(Ask(Question, "healthcare"));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.PendingReview));
        Assert.That(result.Completion, Is.Null, "the held answer is not in the result");
        Assert.That(result.ReviewId, Does.Match("^[0-9a-f]{32}$"));
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo("review.pending"));
        Assert.That(result.DecisiveVerdict.Evidence["review_id"], Is.EqualTo(result.ReviewId));
        Assert.That(result.Verdicts.Select(v => v.Code), Does.Contain(RiskDomainReviewValidator.Code));
        var record = host.Audit.Records.Single();
        Assert.That((record.ReviewId, record.Outcome, record.OutputHash), Is.EqualTo((result.ReviewId, AuditOutcome.PendingReview, (string?)null)));

        var summary = await queue.GetSummaryAsync(result.ReviewId!, CancellationToken.None);
        Assert.That((summary.AuditId, summary.SafetyIdentifier, summary.ReasonCode, summary.RequestedBy, summary.RiskDomain), Is.EqualTo((result.AuditId, result.SafetyIdentifier, "review.risk_domain", "RiskDomainReview", "healthcare")));
        var waiting = queue.WaitForDecisionAsync(result.ReviewId!, CancellationToken.None);

        var item = await queue.OpenAsync(Rita, result.ReviewId!, CancellationToken.None);
        Assert.That(item.Material.Conversation.Select(m => (m.Role, m.Text)), Is.EqualTo(new[] { (MessageRole.System, "You are a family health assistant."), (MessageRole.User, Question) }));
        Assert.That(item.Material.Answer, Is.EqualTo(ModelAnswer));
        Assert.That(item.Material.Verdicts.Select(v => (v.Phase, v.Code)), Does.Contain((SafetyPhase.Model, "model.completed")).And.Contain((SafetyPhase.Output, RiskDomainReviewValidator.Code)));
        var approved = await queue.ApproveAsync(Rita, result.ReviewId!, "Dose matches the label.", CancellationToken.None);
        var decision = await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(decision, Is.EqualTo(approved));
        Assert.That((decision.Outcome, decision.Answer, decision.AuditId, decision.IsReleased), Is.EqualTo((ReviewOutcome.Approved, ModelAnswer, result.AuditId, true)));
        Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Without_a_review_queue_the_same_request_is_blocked_as_review_unavailable()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddRiskDomainReview());
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(ModelAnswer));

        var result = await host.Client.CompleteAsync(Ask(Question, "healthcare"));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo("review.unavailable"));
        Assert.That(result.DecisiveVerdict.Evidence["review_code"], Is.EqualTo(RiskDomainReviewValidator.Code));
        Assert.That(result.Completion, Is.Null);
        Assert.That(result.ReviewId, Is.Null);
        Assert.That(host.Services.GetService<IHumanReviewQueue>(), Is.Null);
    }

    [Test]
    public async Task A_request_outside_the_listed_domains_completes_as_usual()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.UseHumanReview().AddRiskDomainReview());
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Paris."));

        var result = await host.Client.CompleteAsync(Ask("What is the capital of France?", "travel"));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(result.ReviewId, Is.Null);
        Assert.That(await host.Services.GetRequiredService<IReviewStore>().ListAsync(new ReviewListQuery { OpenOnly = false }, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task An_input_in_the_moderation_grey_zone_is_held_and_a_rejection_withholds_the_answer()
    {
        await using var host = await IntegrationHost.StartAsync(o => o.Moderation.ReviewThreshold = 0.4f, b => b.UseHumanReview());
        host.Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Scored(new Dictionary<string, double> { ["self-harm"] = 0.45 }, flagThreshold: 0.9));
        host.Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Clean());
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("I am sorry you feel this way. You can call a helpline any time."));
        var queue = host.Services.GetRequiredService<IHumanReviewQueue>();

        var result = await host.Client.CompleteAsync(Ask("Everything feels pointless lately.", riskDomain: null));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.PendingReview));
        var greyZone = result.Verdicts.Single(v => v.Stage == "OpenAIModeration" && v.Phase == SafetyPhase.InputModeration);
        Assert.That((greyZone.Action, greyZone.Code, greyZone.Evidence["top_score"]), Is.EqualTo((SafetyAction.Review, "moderation.review:self-harm", "0.4500")));
        var record = host.Audit.Records.Single();
        Assert.That(record.VerdictCodes, Does.Contain("OpenAIModeration:moderation.review:self-harm"));
        Assert.That(record.ModerationScores.Single(s => s.Phase == SafetyPhase.InputModeration), Is.EqualTo(new AuditModerationScore(SafetyPhase.InputModeration, "self-harm", 0.45, Flagged: false)), "a grey zone is a score, not a flag");
        Assert.That((await queue.GetSummaryAsync(result.ReviewId!, CancellationToken.None)).ReasonCode, Is.EqualTo("moderation.review:self-harm"));

        await queue.RejectAsync(Rita, result.ReviewId!, "Route to the support team instead.", CancellationToken.None);
        var decision = await queue.WaitForDecisionAsync(result.ReviewId!, CancellationToken.None);

        Assert.That((decision.Outcome, decision.Answer, decision.Note), Is.EqualTo((ReviewOutcome.Rejected, (string?)null, "Route to the support team instead.")));
    }

    [Test]
    public async Task A_drop_in_call_whose_answer_is_held_throws_with_the_review_id_and_an_approval_releases_the_answer()
    {
        await using var host = await IntegrationHost.StartAsync(o => o.Moderation.ReviewThreshold = 0.4f, b => b.UseHumanReview());
        host.Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Scored(new Dictionary<string, double> { ["self-harm"] = 0.45 }, flagThreshold: 0.9));
        host.Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Clean());
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("You can call a helpline any time, day or night."));
        var queue = host.Services.GetRequiredService<IHumanReviewQueue>();

        var held = Assert.ThrowsAsync<SafetyViolationException>(() => host.Client.CompleteChatAsync([ChatMessage.CreateUserMessage("Everything feels pointless lately.")]));

        Assert.That(held!.Verdict.Code, Is.EqualTo("review.pending"));
        Assert.That(held.ReviewId, Does.Match("^[0-9a-f]{32}$"));
        Assert.That(held.Message, Does.StartWith("The answer was held for human review by HumanReview (review.pending)"));
        await queue.ApproveAsync(Rita, held.ReviewId!, note: null, CancellationToken.None);
        var decision = await queue.WaitForDecisionAsync(held.ReviewId!, CancellationToken.None);
        Assert.That((decision.Outcome, decision.Answer, decision.AuditId), Is.EqualTo((ReviewOutcome.Approved, "You can call a helpline any time, day or night.", held.AuditId)));
    }

    [Test]
    public async Task A_blocked_drop_in_call_has_no_review_id()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.UseHumanReview());
        host.Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Flagged("violence"));

        var blocked = Assert.ThrowsAsync<SafetyViolationException>(() => host.Client.CompleteChatAsync([ChatMessage.CreateUserMessage("How do I hurt someone?")]));

        Assert.That(blocked!.Verdict.Action, Is.EqualTo(SafetyAction.Block));
        Assert.That(blocked.ReviewId, Is.Null);
        Assert.That(blocked.Message, Does.StartWith("The call was blocked by"));
    }

    [Test]
    public async Task A_streamed_answer_to_a_grey_zone_input_releases_nothing_and_is_held_whole()
    {
        const string Streamed = "I hear you. It can help to talk to someone you trust, or to call a helpline. Would you like some numbers?";
        await using var host = await IntegrationHost.StartAsync(
            o =>
            {
                o.Moderation.ReviewThreshold = 0.4f;
                o.Streaming.Mode = StreamingMode.CutOff;
                o.Streaming.WindowCharacters = 30;
            },
            b => b.UseHumanReview());
        host.Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Scored(new Dictionary<string, double> { ["self-harm"] = 0.5 }, flagThreshold: 0.9));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Streamed(Streamed.Chunk(7).Select(c => new string(c)).ToArray()));
        using var identity = AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("stream-user"));

        var released = new StringBuilder();
        var error = Assert.ThrowsAsync<SafetyViolationException>(async () =>
        {
            await foreach (var update in host.Client.CompleteChatStreamingAsync([ChatMessage.CreateUserMessage("Nothing matters any more.")]))
            {
                released.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            }
        });

        Assert.That(released.ToString(), Is.Empty, "not one chunk reached the caller, even in CutOff mode");
        Assert.That(error!.Verdict.Code, Is.EqualTo("review.pending"));
        var held = (await host.Services.GetRequiredService<IReviewStore>().ListAsync(new ReviewListQuery { AuditId = error.AuditId }, CancellationToken.None)).Single();
        var item = await host.Services.GetRequiredService<IHumanReviewQueue>().OpenAsync(Rita, held.Summary.ReviewId, CancellationToken.None);
        Assert.That(item.Material.Answer, Is.EqualTo(Streamed));
    }

    [Test]
    public async Task An_answer_nobody_reviews_expires_at_its_deadline_and_is_never_released()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        await using var host = await IntegrationHost.StartAsync(
            o => o.Review.Deadline = TimeSpan.FromHours(2),
            b => b.UseHumanReview().AddRiskDomainReview().Services.AddSingleton<TimeProvider>(time));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(ModelAnswer));
        var queue = host.Services.GetRequiredService<IHumanReviewQueue>();

        var result = await host.Client.CompleteAsync(Ask(Question, "healthcare"));
        var waiting = queue.WaitForDecisionAsync(result.ReviewId!, CancellationToken.None);
        var waitingBeforeDeadline = waiting.IsCompleted;
        time.Advance(TimeSpan.FromHours(2));
        var decision = await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(waitingBeforeDeadline, Is.False);
        Assert.That((decision.Outcome, decision.Answer, decision.DecidedBy, decision.DecidedAt), Is.EqualTo((ReviewOutcome.Expired, (string?)null, HumanReviewQueue.DeadlineReviewer, time.GetUtcNow())));
    }
}
