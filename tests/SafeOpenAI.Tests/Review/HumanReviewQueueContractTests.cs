using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace SafeOpenAI.Tests.Review;

/// <summary>
/// The rules of <see cref="HumanReviewQueue"/> over each <see cref="IReviewStore"/> SafeOpenAI ships,
/// run by a subclass that supplies the store: submission, listing, reviewer authorization and the
/// access log, claims, decisions, deadlines and escalation, waiting, encryption at rest and
/// concurrent deciders. Every queue runs on a <see cref="FakeTimeProvider"/>: deadlines and claims
/// are tested by moving the clock, never by waiting. Public API only, so durable stores can link
/// this file into their own test project.
/// </summary>
public abstract class HumanReviewQueueContractTests
{
    /// <summary>When every test starts.</summary>
    protected static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private const string ReviewerRole = "safeopenai-reviewer";
    private const string UserText = "My daughter (6) has had a fever of 39.5 since yesterday. How much ibuprofen can I give her?";
    private const string HeldAnswer = "For a six-year-old, 7.5 ml of the 100 mg/5 ml ibuprofen suspension every 8 hours, at most three times a day.";
    private const string SourceText = "Ibuprofen 100 mg/5 ml oral suspension: 5 to 10 mg per kg of body weight every 6 to 8 hours.";

    private static readonly AuditContentProtector s_protector = new(Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()));
    private static readonly SafetyHasher s_hasher = new(new SafetyIdentifierOptions { HashKey = "review-contract-hash-key-0123456789abcdef" });

    private IReviewStore _store = null!;
    private IReviewAccessLog _accessLog = null!;
    private RecordingSink _alertSink = null!;
    private SafetyAlertDispatcher _alerts = null!;

    /// <summary>The clock of every queue of the test.</summary>
    protected FakeTimeProvider Time { get; private set; } = null!;

    /// <summary>Creates an empty store and its access log (the same object or two) for one test.</summary>
    protected abstract Task<(IReviewStore Store, IReviewAccessLog AccessLog)> CreateStoresAsync();

    [SetUp]
    public async Task CreateQueueParts()
    {
        Time = new FakeTimeProvider(Start);
        (_store, _accessLog) = await CreateStoresAsync();
        _alertSink = new RecordingSink();
        _alerts = new SafetyAlertDispatcher([_alertSink], NullLoggerFactory.Instance);
    }

    [TearDown]
    public async Task DisposeAlerts() => await _alerts.DisposeAsync();

    [Test]
    public async Task A_submitted_answer_is_pending_with_its_deadline_and_reason()
    {
        var queue = Queue();

        var held = await queue.SubmitAsync(Submission(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(held.ReviewId, Does.Match("^[0-9a-f]{32}$"));
            Assert.That(held.AuditId, Is.EqualTo("audit-1"));
            Assert.That(held.Status, Is.EqualTo(ReviewStatus.Pending));
            Assert.That(held.IsOpen, Is.True);
            Assert.That(held.ReasonCode, Is.EqualTo("review.risk_domain"));
            Assert.That(held.RequestedBy, Is.EqualTo("RiskDomainReview"));
            Assert.That(held.RiskDomain, Is.EqualTo("healthcare"));
            Assert.That(held.SafetyIdentifier, Is.EqualTo(s_hasher.ComputeSafetyIdentifier("alice")));
            Assert.That(held.CreatedAt, Is.EqualTo(Start));
            Assert.That(held.Deadline, Is.EqualTo(Start.AddHours(1)));
            Assert.That(held.Escalations, Is.Zero);
            Assert.That(held.Outcome, Is.Null);
        });
        Assert.That(await queue.GetSummaryAsync(held.ReviewId, CancellationToken.None), Is.EqualTo(held));
        Assert.That(await queue.GetDecisionAsync(held.ReviewId, CancellationToken.None), Is.Null, "polling an open review finds no decision");
    }

    [Test]
    public async Task A_submission_must_carry_a_review_verdict_and_an_audit_id()
    {
        var queue = Queue();
        var block = Submission() with { Reason = SafetyVerdict.Block("Moderation", "moderation.flagged:violence", "no") };

        Assert.That(async () => await queue.SubmitAsync(block, CancellationToken.None), Throws.ArgumentException.With.Message.Contains("Review verdict"));
        Assert.That(async () => await queue.SubmitAsync(Submission(auditId: " "), CancellationToken.None), Throws.ArgumentException.With.Message.Contains("audit id"));
        Assert.That(await _store.ListAsync(new ReviewListQuery { OpenOnly = false }, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task Reviewers_list_open_reviews_earliest_deadline_first_and_filter_them()
    {
        var queue = Queue();
        var first = await queue.SubmitAsync(Submission("alice", "audit-1"), CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(10));
        var second = await queue.SubmitAsync(Submission("bob", "audit-2"), CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(10));
        var third = await queue.SubmitAsync(Submission("alice", "audit-3"), CancellationToken.None);
        await queue.RejectAsync(Reviewer("rita"), second.ReviewId, null, CancellationToken.None);

        var open = await queue.ListAsync(Reviewer("rita"), null, CancellationToken.None);
        var all = await queue.ListAsync(Reviewer("rita"), new ReviewListQuery { OpenOnly = false }, CancellationToken.None);
        var alices = await queue.ListAsync(Reviewer("rita"), new ReviewListQuery { SafetyIdentifier = s_hasher.ComputeSafetyIdentifier("alice"), Limit = 1 }, CancellationToken.None);
        var byAudit = await queue.ListAsync(Reviewer("rita"), new ReviewListQuery { OpenOnly = false, AuditId = "audit-2" }, CancellationToken.None);

        Assert.That(open.Select(s => s.ReviewId), Is.EqualTo(new[] { first.ReviewId, third.ReviewId }));
        Assert.That(all.Select(s => s.ReviewId), Is.EqualTo(new[] { first.ReviewId, second.ReviewId, third.ReviewId }));
        Assert.That(alices.Select(s => s.ReviewId), Is.EqualTo(new[] { first.ReviewId }));
        Assert.That(byAudit.Single().Outcome, Is.EqualTo(ReviewOutcome.Rejected));
        Assert.That(await _accessLog.ListAsync(first.ReviewId, CancellationToken.None), Is.Empty, "listing shows no material and is not a read");
    }

    [Test]
    public async Task Opening_a_review_shows_the_material_and_logs_the_read()
    {
        var queue = Queue();
        var held = await queue.SubmitAsync(Submission(), CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(3));

        var item = await queue.OpenAsync(Reviewer("rita"), held.ReviewId, CancellationToken.None);

        Assert.That(item.Summary, Is.EqualTo(held));
        Assert.That(item.Decision, Is.Null);
        Assert.That(item.Material.Conversation.Select(m => (m.Role, m.Text)), Is.EqualTo(new[] { (MessageRole.System, "You are a careful assistant."), (MessageRole.User, UserText) }));
        Assert.That(item.Material.Answer, Is.EqualTo(HeldAnswer));
        Assert.That(item.Material.Sources, Is.EqualTo(new[] { new SourceDocument("leaflet-3", SourceText) }));
        var verdict = item.Material.Verdicts.Single();
        Assert.That((verdict.Stage, verdict.Action, verdict.Code, verdict.UserMessage), Is.EqualTo(("RiskDomainReview", SafetyAction.Review, "review.risk_domain", "Held for a person.")));
        Assert.That(verdict.Evidence, Is.EquivalentTo(new Dictionary<string, string> { ["risk_domain"] = "healthcare", ["score"] = "0.8100" }));
        Assert.That(await _accessLog.ListAsync(held.ReviewId, CancellationToken.None), Is.EqualTo(new[] { new ReviewAccessEntry(held.ReviewId, "rita", ReviewAccessAction.Read, Start.AddMinutes(3)) }));
    }

    [Test]
    public async Task A_principal_without_the_reviewer_role_is_denied_everything_and_each_refusal_is_logged()
    {
        var queue = Queue();
        var held = await queue.SubmitAsync(Submission(), CancellationToken.None);
        var mallory = Principal("mallory");

        var open = Assert.ThrowsAsync<ReviewAccessDeniedException>(async () => await queue.OpenAsync(mallory, held.ReviewId, CancellationToken.None));
        Assert.ThrowsAsync<ReviewAccessDeniedException>(async () => await queue.ClaimAsync(mallory, held.ReviewId, CancellationToken.None));
        Assert.ThrowsAsync<ReviewAccessDeniedException>(async () => await queue.ApproveAsync(mallory, held.ReviewId, null, CancellationToken.None));
        var list = Assert.ThrowsAsync<ReviewAccessDeniedException>(async () => await queue.ListAsync(mallory, null, CancellationToken.None));
        Assert.ThrowsAsync<ReviewAccessDeniedException>(async () => await queue.GetAccessLogAsync(mallory, held.ReviewId, CancellationToken.None));
        Assert.ThrowsAsync<ReviewAccessDeniedException>(async () => await queue.OpenAsync(new ClaimsPrincipal(new ClaimsIdentity()), held.ReviewId, CancellationToken.None));

        Assert.That((open!.Principal, open.SubjectId), Is.EqualTo(("mallory", held.ReviewId)));
        Assert.That((list!.Principal, list.SubjectId), Is.EqualTo(("mallory", (string?)null)));
        var entries = await _accessLog.ListAsync(held.ReviewId, CancellationToken.None);
        Assert.That(entries.Select(e => (e.Principal, e.Action)), Is.EqualTo(new[]
        {
            ("mallory", ReviewAccessAction.Denied),
            ("mallory", ReviewAccessAction.Denied),
            ("mallory", ReviewAccessAction.Denied),
            ("mallory", ReviewAccessAction.Denied),
            ("(anonymous)", ReviewAccessAction.Denied),
        }));
        Assert.That((await _accessLog.ListAsync(HumanReviewQueue.QueueSubject, CancellationToken.None)).Single(), Is.EqualTo(new ReviewAccessEntry("(queue)", "mallory", ReviewAccessAction.Denied, Start)));
        Assert.That((await queue.GetSummaryAsync(held.ReviewId, CancellationToken.None)).Status, Is.EqualTo(ReviewStatus.Pending), "a refused principal changed nothing");
    }

    [Test]
    public async Task A_reviewer_cannot_review_their_own_request()
    {
        var queue = Queue();
        var held = await queue.SubmitAsync(Submission(asker: "rita"), CancellationToken.None);

        Assert.ThrowsAsync<ReviewAccessDeniedException>(async () => await queue.OpenAsync(Reviewer("rita"), held.ReviewId, CancellationToken.None));
        Assert.ThrowsAsync<ReviewAccessDeniedException>(async () => await queue.ApproveAsync(Reviewer("rita"), held.ReviewId, null, CancellationToken.None));
        var bySam = await queue.ApproveAsync(Reviewer("sam"), held.ReviewId, null, CancellationToken.None);

        Assert.That(bySam.DecidedBy, Is.EqualTo("sam"));
        Assert.That((await _accessLog.ListAsync(held.ReviewId, CancellationToken.None)).Select(e => (e.Principal, e.Action)), Is.EqualTo(new[]
        {
            ("rita", ReviewAccessAction.Denied),
            ("rita", ReviewAccessAction.Denied),
            ("sam", ReviewAccessAction.Approved),
        }));
    }

    [Test]
    public async Task A_claim_keeps_other_reviewers_from_claiming_or_deciding_and_can_be_renewed()
    {
        var queue = Queue();
        var held = await queue.SubmitAsync(Submission(), CancellationToken.None);

        var claimed = await queue.ClaimAsync(Reviewer("rita"), held.ReviewId, CancellationToken.None);
        var otherClaim = Assert.ThrowsAsync<ReviewConflictException>(async () => await queue.ClaimAsync(Reviewer("sam"), held.ReviewId, CancellationToken.None));
        var otherDecision = Assert.ThrowsAsync<ReviewConflictException>(async () => await queue.RejectAsync(Reviewer("sam"), held.ReviewId, null, CancellationToken.None));
        Time.Advance(TimeSpan.FromMinutes(10));
        var renewed = await queue.ClaimAsync(Reviewer("rita"), held.ReviewId, CancellationToken.None);

        Assert.That((claimed.Status, claimed.ClaimedBy, claimed.ClaimExpiresAt), Is.EqualTo((ReviewStatus.Claimed, "rita", (DateTimeOffset?)Start.AddMinutes(15))));
        Assert.That(otherClaim!.Message, Does.Contain("claimed by 'rita'"));
        Assert.That(otherClaim.ReviewId, Is.EqualTo(held.ReviewId));
        Assert.That(otherDecision!.Status, Is.EqualTo(ReviewStatus.Claimed));
        Assert.That(renewed.ClaimExpiresAt, Is.EqualTo(Start.AddMinutes(25)));
        Assert.That((await _accessLog.ListAsync(held.ReviewId, CancellationToken.None)).Select(e => (e.Principal, e.Action, e.At)), Is.EqualTo(new[]
        {
            ("rita", ReviewAccessAction.Claimed, Start),
            ("rita", ReviewAccessAction.Claimed, Start.AddMinutes(10)),
        }));
    }

    [Test]
    public async Task A_lapsed_claim_lets_another_reviewer_decide()
    {
        var queue = Queue();
        var held = await queue.SubmitAsync(Submission(), CancellationToken.None);
        await queue.ClaimAsync(Reviewer("rita"), held.ReviewId, CancellationToken.None);

        Time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        Assert.ThrowsAsync<ReviewConflictException>(async () => await queue.ApproveAsync(Reviewer("sam"), held.ReviewId, null, CancellationToken.None));
        Time.Advance(TimeSpan.FromSeconds(1));
        var decision = await queue.ApproveAsync(Reviewer("sam"), held.ReviewId, null, CancellationToken.None);

        Assert.That((decision.Outcome, decision.DecidedBy, decision.DecidedAt), Is.EqualTo((ReviewOutcome.Approved, "sam", Start.AddMinutes(15))));
    }

    [Test]
    public async Task Approving_releases_the_model_answer_with_the_note()
    {
        var queue = Queue();
        var held = await queue.SubmitAsync(Submission(), CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(7));

        var decision = await queue.ApproveAsync(Reviewer("rita"), held.ReviewId, "Checked against the leaflet.", CancellationToken.None);

        Assert.That(decision, Is.EqualTo(new ReviewDecision(held.ReviewId, "audit-1", ReviewOutcome.Approved, HeldAnswer, "Checked against the leaflet.", "rita", Start.AddMinutes(7))));
        Assert.That(decision.IsReleased, Is.True);
        Assert.That(await queue.GetDecisionAsync(held.ReviewId, CancellationToken.None), Is.EqualTo(decision));
        var summary = await queue.GetSummaryAsync(held.ReviewId, CancellationToken.None);
        Assert.That((summary.Status, summary.Outcome, summary.DecidedBy, summary.DecidedAt, summary.IsOpen), Is.EqualTo((ReviewStatus.Approved, (ReviewOutcome?)ReviewOutcome.Approved, "rita", (DateTimeOffset?)Start.AddMinutes(7), false)));
    }

    [Test]
    public async Task Editing_releases_the_reviewers_text_instead_of_the_models()
    {
        var queue = Queue();
        var held = await queue.SubmitAsync(Submission(), CancellationToken.None);
        const string Edited = "Please ask your pharmacist or doctor for the dose that suits your daughter's weight.";

        var decision = await queue.EditAndApproveAsync(Reviewer("rita"), held.ReviewId, Edited, null, CancellationToken.None);
        var item = await queue.OpenAsync(Reviewer("sam"), held.ReviewId, CancellationToken.None);

        Assert.That((decision.Outcome, decision.Answer, decision.Note, decision.IsReleased), Is.EqualTo((ReviewOutcome.Edited, Edited, (string?)null, true)));
        Assert.That(await queue.GetDecisionAsync(held.ReviewId, CancellationToken.None), Is.EqualTo(decision));
        Assert.That(item.Decision, Is.EqualTo(decision));
        Assert.That(item.Material.Answer, Is.EqualTo(HeldAnswer), "the material keeps what the model wrote");
        Assert.That(item.Summary.Status, Is.EqualTo(ReviewStatus.Approved));
    }

    [Test]
    public async Task Rejecting_withholds_the_answer_and_keeps_the_note()
    {
        var queue = Queue();
        var held = await queue.SubmitAsync(Submission(), CancellationToken.None);

        var decision = await queue.RejectAsync(Reviewer("rita"), held.ReviewId, "Dosing advice for children needs a doctor.", CancellationToken.None);

        Assert.That((decision.Outcome, decision.Answer, decision.Note, decision.IsReleased), Is.EqualTo((ReviewOutcome.Rejected, (string?)null, "Dosing advice for children needs a doctor.", false)));
        Assert.That((await queue.GetSummaryAsync(held.ReviewId, CancellationToken.None)).Status, Is.EqualTo(ReviewStatus.Rejected));
        Assert.That(await queue.GetDecisionAsync(held.ReviewId, CancellationToken.None), Is.EqualTo(decision));
    }

    [Test]
    public async Task A_second_decision_conflicts_and_changes_nothing()
    {
        var queue = Queue();
        var held = await queue.SubmitAsync(Submission(), CancellationToken.None);
        var first = await queue.ApproveAsync(Reviewer("rita"), held.ReviewId, null, CancellationToken.None);

        var reject = Assert.ThrowsAsync<ReviewConflictException>(async () => await queue.RejectAsync(Reviewer("sam"), held.ReviewId, "no", CancellationToken.None));
        var again = Assert.ThrowsAsync<ReviewConflictException>(async () => await queue.ApproveAsync(Reviewer("rita"), held.ReviewId, null, CancellationToken.None));
        Assert.ThrowsAsync<ReviewConflictException>(async () => await queue.ClaimAsync(Reviewer("sam"), held.ReviewId, CancellationToken.None));

        Assert.That(reject!.Status, Is.EqualTo(ReviewStatus.Approved));
        Assert.That(reject.Message, Does.Contain("already decided").And.Contain("rita"));
        Assert.That(again!.Status, Is.EqualTo(ReviewStatus.Approved));
        Assert.That(await queue.GetDecisionAsync(held.ReviewId, CancellationToken.None), Is.EqualTo(first));
        Assert.That((await _accessLog.ListAsync(held.ReviewId, CancellationToken.None)).Select(e => e.Action), Is.EqualTo(new[] { ReviewAccessAction.Approved }));
    }

    [Test]
    public async Task Bad_decisions_are_refused_before_anything_changes()
    {
        var queue = Queue(o => o.MaxNoteCharacters = 10);
        var held = await queue.SubmitAsync(Submission(), CancellationToken.None);

        Assert.That(async () => await queue.ApproveAsync(Reviewer("rita"), held.ReviewId, "eleven char", CancellationToken.None), Throws.ArgumentException.With.Message.Contains("11 characters").And.Message.Contains("limit is 10"));
        Assert.That(async () => await queue.EditAndApproveAsync(Reviewer("rita"), held.ReviewId, "  ", null, CancellationToken.None), Throws.ArgumentException.With.Message.Contains("edited answer is empty"));
        Assert.That(async () => await queue.OpenAsync(Reviewer("rita"), "0123456789abcdef0123456789abcdef", CancellationToken.None), Throws.InstanceOf<ReviewNotFoundException>().With.Message.Contains("0123456789abcdef0123456789abcdef"));
        Assert.That(async () => await queue.GetDecisionAsync("0123456789abcdef0123456789abcdef", CancellationToken.None), Throws.InstanceOf<ReviewNotFoundException>());
        Assert.That(async () => await queue.WaitForDecisionAsync("0123456789abcdef0123456789abcdef", CancellationToken.None), Throws.InstanceOf<ReviewNotFoundException>());
        Assert.That((await queue.GetSummaryAsync(held.ReviewId, CancellationToken.None)).IsOpen, Is.True);
        Assert.That(await _accessLog.ListAsync(held.ReviewId, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task The_access_log_holds_every_read_claim_and_decision_in_order()
    {
        var queue = Queue();
        var held = await queue.SubmitAsync(Submission(), CancellationToken.None);

        await queue.OpenAsync(Reviewer("rita"), held.ReviewId, CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(1));
        await queue.ClaimAsync(Reviewer("rita"), held.ReviewId, CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(1));
        await queue.EditAndApproveAsync(Reviewer("rita"), held.ReviewId, "A shorter answer.", null, CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(1));
        await queue.OpenAsync(Reviewer("sam"), held.ReviewId, CancellationToken.None);

        var log = await queue.GetAccessLogAsync(Reviewer("sam"), held.ReviewId, CancellationToken.None);

        Assert.That(log, Is.EqualTo(new[]
        {
            new ReviewAccessEntry(held.ReviewId, "rita", ReviewAccessAction.Read, Start),
            new ReviewAccessEntry(held.ReviewId, "rita", ReviewAccessAction.Claimed, Start.AddMinutes(1)),
            new ReviewAccessEntry(held.ReviewId, "rita", ReviewAccessAction.Edited, Start.AddMinutes(2)),
            new ReviewAccessEntry(held.ReviewId, "sam", ReviewAccessAction.Read, Start.AddMinutes(3)),
        }));
    }

    [Test]
    public async Task An_overdue_review_is_rejected_by_the_first_operation_that_touches_it()
    {
        var queue = Queue();
        var held = await queue.SubmitAsync(Submission(), CancellationToken.None);

        Time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromTicks(1));
        var justBefore = await queue.GetSummaryAsync(held.ReviewId, CancellationToken.None);
        Time.Advance(TimeSpan.FromHours(2));
        var late = Assert.ThrowsAsync<ReviewConflictException>(async () => await queue.ApproveAsync(Reviewer("rita"), held.ReviewId, null, CancellationToken.None));
        var decision = await queue.GetDecisionAsync(held.ReviewId, CancellationToken.None);

        Assert.That(justBefore.IsOpen, Is.True);
        Assert.That(late!.Status, Is.EqualTo(ReviewStatus.Rejected));
        Assert.That(decision, Is.EqualTo(new ReviewDecision(held.ReviewId, "audit-1", ReviewOutcome.Expired, null, null, HumanReviewQueue.DeadlineReviewer, Start.AddHours(1))));
        Assert.That((await _accessLog.ListAsync(held.ReviewId, CancellationToken.None)).Single(), Is.EqualTo(new ReviewAccessEntry(held.ReviewId, "deadline-policy", ReviewAccessAction.Expired, Start.AddHours(1))));
    }

    [Test]
    public async Task A_sweep_applies_exactly_the_deadlines_that_passed()
    {
        var queue = Queue();
        var early = await queue.SubmitAsync(Submission(auditId: "audit-early"), CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(30));
        var late = await queue.SubmitAsync(Submission(auditId: "audit-late"), CancellationToken.None);
        var decided = await queue.SubmitAsync(Submission(auditId: "audit-decided"), CancellationToken.None);
        await queue.ApproveAsync(Reviewer("rita"), decided.ReviewId, null, CancellationToken.None);

        Time.Advance(TimeSpan.FromMinutes(30));
        var first = await queue.EnforceDeadlinesAsync(CancellationToken.None);
        var earlyAfterFirst = await _store.GetAsync(early.ReviewId, CancellationToken.None);
        var lateAfterFirst = await _store.GetAsync(late.ReviewId, CancellationToken.None);
        var again = await queue.EnforceDeadlinesAsync(CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(30));
        var second = await queue.EnforceDeadlinesAsync(CancellationToken.None);

        Assert.That((first, again, second), Is.EqualTo((1, 0, 1)));
        Assert.That(earlyAfterFirst!.Summary.Outcome, Is.EqualTo(ReviewOutcome.Expired));
        Assert.That(lateAfterFirst!.Summary.IsOpen, Is.True);
        Assert.That((await _store.GetAsync(late.ReviewId, CancellationToken.None))!.Summary.Outcome, Is.EqualTo(ReviewOutcome.Expired));
        Assert.That((await _store.GetAsync(decided.ReviewId, CancellationToken.None))!.Summary.Outcome, Is.EqualTo(ReviewOutcome.Approved));
    }

    [Test]
    public async Task Escalation_raises_one_alert_extends_the_deadline_then_expires()
    {
        var queue = Queue(o =>
        {
            o.OnDeadline = ReviewDeadlineAction.Escalate;
            o.MaxEscalations = 1;
            o.EscalationDeadline = TimeSpan.FromMinutes(30);
        });
        var held = await queue.SubmitAsync(Submission(), CancellationToken.None);

        Time.Advance(TimeSpan.FromHours(1));
        var escalatedCount = await queue.EnforceDeadlinesAsync(CancellationToken.None);
        var escalated = await queue.GetSummaryAsync(held.ReviewId, CancellationToken.None);
        var stillOpen = await queue.GetDecisionAsync(held.ReviewId, CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(30));
        var expired = await queue.GetDecisionAsync(held.ReviewId, CancellationToken.None);
        var afterExpiry = await queue.EnforceDeadlinesAsync(CancellationToken.None);
        await _alerts.DisposeAsync();

        Assert.That(escalatedCount, Is.EqualTo(1));
        Assert.That((escalated.Status, escalated.Escalations, escalated.Deadline), Is.EqualTo((ReviewStatus.Escalated, 1, Start.AddMinutes(90))));
        Assert.That(stillOpen, Is.Null);
        Assert.That((expired!.Outcome, expired.DecidedBy, expired.DecidedAt, expired.Answer), Is.EqualTo((ReviewOutcome.Expired, "deadline-policy", Start.AddMinutes(90), (string?)null)));
        Assert.That(afterExpiry, Is.Zero);
        Assert.That(_alertSink.Alerts, Is.EqualTo(new[]
        {
            new SafetyAlert(HumanReviewQueue.EscalatedAlertRule, AlertScope.Review, held.ReviewId, 1, 1, "count", TimeSpan.FromHours(1), Start.AddHours(1)),
        }));
        Assert.That((await _accessLog.ListAsync(held.ReviewId, CancellationToken.None)).Select(e => (e.Principal, e.Action, e.At)), Is.EqualTo(new[]
        {
            ("deadline-policy", ReviewAccessAction.Escalated, Start.AddHours(1)),
            ("deadline-policy", ReviewAccessAction.Expired, Start.AddMinutes(90)),
        }));
    }

    [Test]
    public async Task A_long_overdue_review_is_escalated_as_often_as_allowed_then_expires_in_one_step()
    {
        var queue = Queue(o =>
        {
            o.OnDeadline = ReviewDeadlineAction.Escalate;
            o.MaxEscalations = 2;
            o.EscalationDeadline = TimeSpan.FromMinutes(30);
        });
        var held = await queue.SubmitAsync(Submission(), CancellationToken.None);

        Time.Advance(TimeSpan.FromDays(1));
        var decision = await queue.GetDecisionAsync(held.ReviewId, CancellationToken.None);
        await _alerts.DisposeAsync();

        Assert.That((decision!.Outcome, decision.DecidedAt), Is.EqualTo((ReviewOutcome.Expired, Start.AddHours(2))));
        Assert.That(_alertSink.Alerts.Select(a => (a.Observed, a.Threshold, a.Window)), Is.EqualTo(new[] { (1d, 2d, TimeSpan.FromHours(1)), (2d, 2d, TimeSpan.FromMinutes(90)) }));
        Assert.That((await queue.GetSummaryAsync(held.ReviewId, CancellationToken.None)).Escalations, Is.EqualTo(2));
    }

    [Test]
    public async Task Waiting_returns_a_decision_made_through_the_same_queue_without_the_clock_moving()
    {
        var queue = Queue();
        var held = await queue.SubmitAsync(Submission(), CancellationToken.None);

        var waiting = queue.WaitForDecisionAsync(held.ReviewId, CancellationToken.None);
        var waitingBeforeDecision = waiting.IsCompleted;
        var decision = await queue.ApproveAsync(Reviewer("rita"), held.ReviewId, null, CancellationToken.None);
        var awaited = await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(waitingBeforeDecision, Is.False);
        Assert.That(awaited, Is.EqualTo(decision));
        Assert.That(awaited.Answer, Is.EqualTo(HeldAnswer));
    }

    [Test]
    public async Task Waiting_sees_a_decision_made_by_another_queue_on_the_same_store_within_the_poll_interval()
    {
        var waitingQueue = Queue();
        var otherProcess = Queue();
        var held = await waitingQueue.SubmitAsync(Submission(), CancellationToken.None);

        var waiting = waitingQueue.WaitForDecisionAsync(held.ReviewId, CancellationToken.None);
        var decision = await otherProcess.RejectAsync(Reviewer("sam"), held.ReviewId, "Not for a chat.", CancellationToken.None);
        var awaited = await AdvanceUntilDoneAsync(waiting, TimeSpan.FromSeconds(1));

        Assert.That(awaited, Is.EqualTo(decision));
        Assert.That(Time.GetUtcNow() - Start, Is.LessThan(TimeSpan.FromMinutes(1)), "seen at a poll, long before the deadline");
    }

    [Test]
    public async Task Waiting_returns_the_expiry_when_the_deadline_passes()
    {
        var queue = Queue();
        var held = await queue.SubmitAsync(Submission(), CancellationToken.None);

        var waiting = queue.WaitForDecisionAsync(held.ReviewId, CancellationToken.None);
        Time.Advance(TimeSpan.FromHours(1));
        var awaited = await AdvanceUntilDoneAsync(waiting, TimeSpan.FromSeconds(1));

        Assert.That((awaited.Outcome, awaited.DecidedBy, awaited.DecidedAt), Is.EqualTo((ReviewOutcome.Expired, "deadline-policy", Start.AddHours(1))));
    }

    [Test]
    public async Task Several_waiters_all_get_the_decision_and_a_cancelled_one_stops_alone()
    {
        var queue = Queue();
        var held = await queue.SubmitAsync(Submission(), CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var cancelled = queue.WaitForDecisionAsync(held.ReviewId, cancel.Token);
        var first = queue.WaitForDecisionAsync(held.ReviewId, CancellationToken.None);
        var second = queue.WaitForDecisionAsync(held.ReviewId, CancellationToken.None);
        await cancel.CancelAsync();
        Assert.That(async () => await cancelled.WaitAsync(TimeSpan.FromSeconds(30)), Throws.InstanceOf<OperationCanceledException>());
        var decision = await queue.ApproveAsync(Reviewer("rita"), held.ReviewId, null, CancellationToken.None);

        Assert.That(await first.WaitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(decision));
        Assert.That(await second.WaitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(decision));
        Assert.That(await queue.WaitForDecisionAsync(held.ReviewId, CancellationToken.None), Is.EqualTo(decision), "a wait on a decided review returns at once");
    }

    [Test]
    public async Task Nothing_a_user_or_reviewer_wrote_is_stored_in_the_clear()
    {
        var queue = Queue();
        var approved = await queue.SubmitAsync(Submission(), CancellationToken.None);
        var edited = await queue.SubmitAsync(Submission(auditId: "audit-2"), CancellationToken.None);
        const string EditedText = "Ask a pharmacist about paracetamol syrup dosing for a child of six.";
        const string Note = "Reviewed with the paediatric leaflet on file.";
        await queue.ApproveAsync(Reviewer("rita"), approved.ReviewId, Note, CancellationToken.None);
        await queue.EditAndApproveAsync(Reviewer("rita"), edited.ReviewId, EditedText, Note, CancellationToken.None);
        await queue.OpenAsync(Reviewer("sam"), edited.ReviewId, CancellationToken.None);

        string[] secrets = [UserText, "fever", HeldAnswer, "suspension", SourceText, "body weight", EditedText, "paracetamol", Note, "paediatric", "careful assistant"];
        foreach (var id in new[] { approved.ReviewId, edited.ReviewId })
        {
            var record = (await _store.GetAsync(id, CancellationToken.None))!;
            var stored = StringsOf(record).Concat((await _accessLog.ListAsync(id, CancellationToken.None)).SelectMany(e => new[] { e.SubjectId, e.Principal })).ToArray();
            foreach (var secret in secrets)
            {
                Assert.That(stored, Has.None.Contains(secret).IgnoreCase, $"'{secret}' is stored in the clear for review {id}");
            }

            Assert.That(new[] { record.ProtectedMaterial, record.ProtectedAnswer, record.ProtectedNote }, Has.All.StartWith("v1." + s_protector.KeyId + "."));
        }
    }

    [Test]
    public async Task Concurrent_deciders_on_two_queues_let_exactly_one_win()
    {
        var rita = Queue();
        var sam = Queue();
        for (var round = 0; round < 10; round++)
        {
            var held = await rita.SubmitAsync(Submission(auditId: "audit-" + round), CancellationToken.None);

            var approve = Task.Run(() => rita.ApproveAsync(Reviewer("rita"), held.ReviewId, null, CancellationToken.None));
            var reject = Task.Run(() => sam.RejectAsync(Reviewer("sam"), held.ReviewId, null, CancellationToken.None));
            var outcomes = await Task.WhenAll(Outcome(approve), Outcome(reject));

            Assert.That(outcomes.Count(o => o.Decision is not null), Is.EqualTo(1), $"round {round}: exactly one decision wins");
            Assert.That(outcomes.Single(o => o.Decision is null).Error, Is.InstanceOf<ReviewConflictException>());
            var winner = outcomes.Single(o => o.Decision is not null).Decision!;
            Assert.That(await sam.GetDecisionAsync(held.ReviewId, CancellationToken.None), Is.EqualTo(winner));
            Assert.That((await _accessLog.ListAsync(held.ReviewId, CancellationToken.None)).Select(e => (e.Principal, e.Action)), Is.EqualTo(new[]
            {
                (winner.DecidedBy, winner.Outcome == ReviewOutcome.Approved ? ReviewAccessAction.Approved : ReviewAccessAction.Rejected),
            }));
        }
    }

    [Test]
    public async Task Concurrent_claims_let_exactly_one_reviewer_hold_the_review()
    {
        var queues = Enumerable.Range(0, 4).Select(_ => Queue()).ToArray();
        var held = await queues[0].SubmitAsync(Submission(), CancellationToken.None);

        var claims = queues.Select((q, i) => Task.Run(() => q.ClaimAsync(Reviewer("reviewer-" + i), held.ReviewId, CancellationToken.None))).ToArray();
        var outcomes = await Task.WhenAll(claims.Select(async c =>
        {
            try
            {
                return (await c).ClaimedBy;
            }
            catch (ReviewConflictException)
            {
                return null;
            }
        }));

        var holder = outcomes.Single(o => o is not null);
        Assert.That((await queues[0].GetSummaryAsync(held.ReviewId, CancellationToken.None)).ClaimedBy, Is.EqualTo(holder));
    }

    [Test]
    public async Task Claim_next_takes_open_reviews_in_deadline_order_skipping_claimed_ones_and_logs_each_claim()
    {
        var queue = Queue();
        var first = await queue.SubmitAsync(Submission(auditId: "audit-1"), CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(1));
        var second = await queue.SubmitAsync(Submission(auditId: "audit-2"), CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(1));
        var third = await queue.SubmitAsync(Submission(auditId: "audit-3"), CancellationToken.None);

        var rita = await queue.ClaimNextAsync(Reviewer("rita"), null, CancellationToken.None);
        var sam = await queue.ClaimNextAsync(Reviewer("sam"), null, CancellationToken.None);
        var ritaAgain = await queue.ClaimNextAsync(Reviewer("rita"), null, CancellationToken.None);
        var none = await queue.ClaimNextAsync(Reviewer("tom"), null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(rita?.ReviewId, Is.EqualTo(first.ReviewId));
            Assert.That(sam?.ReviewId, Is.EqualTo(second.ReviewId));
            Assert.That(ritaAgain?.ReviewId, Is.EqualTo(third.ReviewId), "a reviewer's own claim is not offered again");
            Assert.That(none, Is.Null, "every open review is claimed");
            Assert.That(rita?.Status, Is.EqualTo(ReviewStatus.Claimed));
            Assert.That(rita?.ClaimedBy, Is.EqualTo("rita"));
            Assert.That(rita?.ClaimExpiresAt, Is.EqualTo(Time.GetUtcNow().AddMinutes(15)));
        });
        Assert.That(await queue.GetSummaryAsync(first.ReviewId, CancellationToken.None), Is.EqualTo(rita));
        Assert.That((await _accessLog.ListAsync(first.ReviewId, CancellationToken.None)).Select(e => (e.Principal, e.Action)), Is.EqualTo(new[] { ("rita", ReviewAccessAction.Claimed) }));
    }

    [Test]
    public async Task Claim_next_passes_over_a_review_the_reviewer_may_not_act_on_and_leaves_it_unclaimed()
    {
        var queue = Queue();
        var ritasOwn = await queue.SubmitAsync(Submission(asker: "rita", auditId: "audit-own"), CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(1));
        var alices = await queue.SubmitAsync(Submission(asker: "alice", auditId: "audit-alice"), CancellationToken.None);

        var claimed = await queue.ClaimNextAsync(Reviewer("rita"), null, CancellationToken.None);

        Assert.That(claimed?.ReviewId, Is.EqualTo(alices.ReviewId), "nobody reviews their own request");
        var own = await queue.GetSummaryAsync(ritasOwn.ReviewId, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(own.Status, Is.EqualTo(ReviewStatus.Pending));
            Assert.That(own.ClaimedBy, Is.Null);
            Assert.That(own.ClaimExpiresAt, Is.Null);
        });
        Assert.That((await queue.ClaimNextAsync(Reviewer("sam"), null, CancellationToken.None))?.ReviewId, Is.EqualTo(ritasOwn.ReviewId), "another reviewer can still claim it");
    }

    [Test]
    public async Task Claim_next_takes_over_an_expired_claim_but_not_a_live_one()
    {
        var queue = Queue();
        var held = await queue.SubmitAsync(Submission(), CancellationToken.None);
        await queue.ClaimAsync(Reviewer("sam"), held.ReviewId, CancellationToken.None);

        Assert.That(await queue.ClaimNextAsync(Reviewer("rita"), null, CancellationToken.None), Is.Null, "sam's claim is live");
        Time.Advance(TimeSpan.FromMinutes(16));
        var claimed = await queue.ClaimNextAsync(Reviewer("rita"), null, CancellationToken.None);

        Assert.That(claimed?.ReviewId, Is.EqualTo(held.ReviewId));
        Assert.That(claimed?.ClaimedBy, Is.EqualTo("rita"));
    }

    [Test]
    public async Task Claim_next_filters_by_the_query_and_never_claims_an_overdue_review()
    {
        var queue = Queue();
        var alices = await queue.SubmitAsync(Submission(asker: "alice", auditId: "audit-alice"), CancellationToken.None);
        var bobs = await queue.SubmitAsync(Submission(asker: "bob", auditId: "audit-bob"), CancellationToken.None);

        var claimed = await queue.ClaimNextAsync(Reviewer("rita"), new ReviewListQuery { AuditId = "audit-bob" }, CancellationToken.None);
        Time.Advance(TimeSpan.FromHours(2));
        var afterDeadline = await queue.ClaimNextAsync(Reviewer("sam"), null, CancellationToken.None);

        Assert.That(claimed?.ReviewId, Is.EqualTo(bobs.ReviewId));
        Assert.That(afterDeadline, Is.Null, "the deadline policy decided both");
        Assert.That((await queue.GetDecisionAsync(alices.ReviewId, CancellationToken.None))?.Outcome, Is.EqualTo(ReviewOutcome.Expired));
    }

    [Test]
    public async Task Claim_next_refuses_a_principal_who_is_not_a_reviewer_and_logs_the_refusal()
    {
        var queue = Queue();
        var held = await queue.SubmitAsync(Submission(), CancellationToken.None);

        Assert.ThrowsAsync<ReviewAccessDeniedException>(async () => await queue.ClaimNextAsync(Principal("mallory"), null, CancellationToken.None));

        Assert.That((await queue.GetSummaryAsync(held.ReviewId, CancellationToken.None)).ClaimedBy, Is.Null);
        Assert.That((await _accessLog.ListAsync(HumanReviewQueue.QueueSubject, CancellationToken.None)).Select(e => (e.Principal, e.Action)), Is.EqualTo(new[] { ("mallory", ReviewAccessAction.Denied) }));
    }

    [Test]
    public async Task Concurrent_claim_next_gives_every_review_to_exactly_one_reviewer()
    {
        var queues = Enumerable.Range(0, 4).Select(_ => Queue()).ToArray();
        var held = new List<string>();
        for (var i = 0; i < 24; i++)
        {
            held.Add((await queues[i % 4].SubmitAsync(Submission(auditId: "audit-" + i), CancellationToken.None)).ReviewId);
        }

        var reviewers = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var mine = new List<string>();
            while (await queues[i % 4].ClaimNextAsync(Reviewer("reviewer-" + i), null, CancellationToken.None) is { } claimed)
            {
                mine.Add(claimed.ReviewId);
            }

            return mine;
        })).ToArray();
        var claims = (await Task.WhenAll(reviewers)).SelectMany(c => c).ToArray();

        Assert.That(claims, Is.EquivalentTo(held), "every review claimed exactly once");
        foreach (var reviewId in held)
        {
            Assert.That((await _accessLog.ListAsync(reviewId, CancellationToken.None)).Count(e => e.Action == ReviewAccessAction.Claimed), Is.EqualTo(1), reviewId);
        }
    }

    /// <summary>A principal with a name and no reviewer role.</summary>
    protected static ClaimsPrincipal Principal(string name) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], "test"));

    /// <summary>A signed-in member of the reviewer role.</summary>
    protected static ClaimsPrincipal Reviewer(string name) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, ReviewerRole)], "test"));

    /// <summary>A healthcare answer held for <paramref name="asker"/>.</summary>
    protected static ReviewSubmission Submission(string asker = "alice", string auditId = "audit-1") =>
        new(
            auditId,
            s_hasher.ComputeSafetyIdentifier(asker),
            "healthcare",
            new SafetyVerdict("RiskDomainReview", SafetyAction.Review, "review.risk_domain", "Held for a person.", new Dictionary<string, string> { ["risk_domain"] = "healthcare" }),
            new ReviewMaterial(
                [new ReviewMessage(MessageRole.System, "You are a careful assistant."), new ReviewMessage(MessageRole.User, UserText)],
                HeldAnswer,
                [new SourceDocument("leaflet-3", SourceText)],
                [new SafetyVerdict("RiskDomainReview", SafetyAction.Review, "review.risk_domain", "Held for a person.", new Dictionary<string, string> { ["risk_domain"] = "healthcare", ["score"] = "0.8100" })]));

    /// <summary>A queue over the test's store, on its clock: deadline 1 hour, claims 15 minutes, polls every second.</summary>
    protected HumanReviewQueue Queue(Action<HumanReviewOptions>? configure = null)
    {
        var options = new HumanReviewOptions
        {
            Deadline = TimeSpan.FromHours(1),
            ClaimTimeout = TimeSpan.FromMinutes(15),
            PollInterval = TimeSpan.FromSeconds(1),
        };
        configure?.Invoke(options);
        return new HumanReviewQueue(_store, _accessLog, new RoleReviewerAuthorization(ReviewerRole, s_hasher), s_protector, options, Time, NullLoggerFactory.Instance, _alerts);
    }

    /// <summary>
    /// Moves the clock by <paramref name="step"/> until <paramref name="task"/> completes, giving a store
    /// that works on other threads a moment after each step; fails after 200 steps (a hang guard).
    /// </summary>
    protected async Task<T> AdvanceUntilDoneAsync<T>(Task<T> task, TimeSpan step)
    {
        for (var i = 0; i < 200 && !task.IsCompleted; i++)
        {
            await Task.WhenAny(task, Task.Delay(TimeSpan.FromMilliseconds(20)));
            if (!task.IsCompleted)
            {
                Time.Advance(step);
            }
        }

        Assert.That(task.IsCompleted, Is.True, "the wait did not end");
        return await task;
    }

    private static IEnumerable<string> StringsOf(ReviewRecord record)
    {
        var s = record.Summary;
        return new[] { s.ReviewId, s.AuditId, s.ReasonCode, s.RequestedBy, s.RiskDomain, s.SafetyIdentifier, s.ClaimedBy, s.DecidedBy, record.ProtectedMaterial, record.ProtectedAnswer, record.ProtectedNote }
            .Where(v => v is not null)!;
    }

    private static async Task<(ReviewDecision? Decision, Exception? Error)> Outcome(Task<ReviewDecision> decision)
    {
        try
        {
            return (await decision, null);
        }
        catch (ReviewConflictException ex)
        {
            return (null, ex);
        }
    }

    private sealed class RecordingSink : ISafetyAlertSink
    {
        private readonly ConcurrentQueue<SafetyAlert> _alerts = new();

        public IReadOnlyList<SafetyAlert> Alerts => [.. _alerts];

        public ValueTask PublishAsync(SafetyAlert alert, CancellationToken cancellationToken)
        {
            _alerts.Enqueue(alert);
            return ValueTask.CompletedTask;
        }
    }
}
