using System.Diagnostics.Metrics;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace SafeOpenAI.Tests.Review;

/// <summary>
/// What the queue does when its parts fail (a log that refuses an entry, a store that keeps losing
/// races, a foreign key), its option checks, its metrics and the stored JSON of the material.
/// </summary>
public class HumanReviewQueueTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly AuditContentProtector Protector = new(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

    private static ClaimsPrincipal Reviewer(string name) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, "safeopenai-reviewer")], "test"));

    private static ReviewSubmission Submission(string code = "review.risk_domain") =>
        new(
            "audit-1",
            "user-hash",
            "healthcare",
            new SafetyVerdict("RiskDomainReview", SafetyAction.Review, code),
            new ReviewMaterial([new ReviewMessage(MessageRole.User, "question")], "answer", [], []));

    private static HumanReviewQueue Queue(IReviewStore store, IReviewAccessLog log, TimeProvider time, AuditContentProtector? protector = null, IMeterFactory? meters = null, Action<HumanReviewOptions>? configure = null)
    {
        var options = new HumanReviewOptions();
        configure?.Invoke(options);
        return new HumanReviewQueue(store, log, new RoleReviewerAuthorization("safeopenai-reviewer"), protector ?? Protector, options, time, NullLoggerFactory.Instance, null, meters);
    }

    [Test]
    public async Task A_note_ciphertext_moved_into_the_answer_field_fails_to_decrypt_instead_of_being_released()
    {
        var store = new InMemoryReviewStore();
        var queue = Queue(store, store, new FakeTimeProvider(Start));
        var held = await queue.SubmitAsync(Submission(), CancellationToken.None);
        await queue.ApproveAsync(Reviewer("rita"), held.ReviewId, "internal: the user seems distressed", CancellationToken.None);
        var stored = (await store.GetAsync(held.ReviewId, CancellationToken.None))!;
        Assert.That((await queue.GetDecisionAsync(held.ReviewId, CancellationToken.None))!.Answer, Is.EqualTo("answer"), "control: the untouched record decrypts");

        // Someone with write access to the store swaps the reviewer's note into the released answer.
        var tampered = stored with { ProtectedAnswer = stored.ProtectedNote, Version = stored.Version + 1 };
        Assert.That(await store.TryReplaceAsync(tampered, stored.Version, CancellationToken.None), Is.True);

        Assert.That(async () => await queue.GetDecisionAsync(held.ReviewId, CancellationToken.None), Throws.InstanceOf<CryptographicException>());
    }

    [Test]
    public async Task A_read_the_access_log_refuses_shows_nothing()
    {
        var store = new InMemoryReviewStore();
        var log = new Mock<IReviewAccessLog>(MockBehavior.Strict);
        log.Setup(l => l.AppendAsync(It.Is<ReviewAccessEntry>(e => e.Action == ReviewAccessAction.Read), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new IOException("disk full"));
        var queue = Queue(store, log.Object, new FakeTimeProvider(Start));
        var held = await queue.SubmitAsync(Submission(), CancellationToken.None);

        Assert.That(async () => await queue.OpenAsync(Reviewer("rita"), held.ReviewId, CancellationToken.None), Throws.InstanceOf<IOException>());
        log.Verify(l => l.AppendAsync(It.IsAny<ReviewAccessEntry>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task A_refusal_the_access_log_cannot_record_still_shows_nothing()
    {
        var store = new InMemoryReviewStore();
        var log = new Mock<IReviewAccessLog>(MockBehavior.Strict);
        log.Setup(l => l.AppendAsync(It.IsAny<ReviewAccessEntry>(), It.IsAny<CancellationToken>())).ThrowsAsync(new IOException("disk full"));
        var queue = Queue(store, log.Object, new FakeTimeProvider(Start));
        var held = await queue.SubmitAsync(Submission(), CancellationToken.None);
        var stranger = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "mallory")], "test"));

        Assert.That(async () => await queue.OpenAsync(stranger, held.ReviewId, CancellationToken.None), Throws.InstanceOf<IOException>());
        log.Verify(l => l.AppendAsync(It.Is<ReviewAccessEntry>(e => e.Action == ReviewAccessAction.Denied && e.Principal == "mallory"), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task A_store_that_keeps_losing_the_race_ends_in_a_clear_conflict_after_the_bounded_attempts()
    {
        var real = new InMemoryReviewStore();
        var time = new FakeTimeProvider(Start);
        var held = await Queue(real, real, time).SubmitAsync(Submission(), CancellationToken.None);
        var record = await real.GetAsync(held.ReviewId, CancellationToken.None);
        var store = new Mock<IReviewStore>(MockBehavior.Strict);
        store.Setup(s => s.GetAsync(held.ReviewId, It.IsAny<CancellationToken>())).ReturnsAsync(record);
        store.Setup(s => s.TryReplaceAsync(It.IsAny<ReviewRecord>(), 1, It.IsAny<CancellationToken>())).ReturnsAsync(false);
        var queue = Queue(store.Object, real, time);

        var conflict = Assert.ThrowsAsync<ReviewConflictException>(async () => await queue.ApproveAsync(Reviewer("rita"), held.ReviewId, null, CancellationToken.None));

        Assert.That(conflict!.Message, Does.Contain("8 attempts").And.Contain(held.ReviewId));
        store.Verify(s => s.TryReplaceAsync(It.IsAny<ReviewRecord>(), 1, It.IsAny<CancellationToken>()), Times.Exactly(HumanReviewQueue.MaxAttempts));
        Assert.That(await real.ListAsync(held.ReviewId, CancellationToken.None), Is.Empty, "no decision was logged");
    }

    [Test]
    public async Task Material_under_another_key_is_refused_and_not_logged_as_read()
    {
        var store = new InMemoryReviewStore();
        var time = new FakeTimeProvider(Start);
        var held = await Queue(store, store, time).SubmitAsync(Submission(), CancellationToken.None);
        var otherKey = Queue(store, store, time, new AuditContentProtector(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));

        Assert.That(async () => await otherKey.OpenAsync(Reviewer("rita"), held.ReviewId, CancellationToken.None), Throws.InstanceOf<CryptographicException>());
        Assert.That(await store.ListAsync(held.ReviewId, CancellationToken.None), Is.Empty);
    }

    [Test]
    public void Options_out_of_range_are_refused_by_name()
    {
        var store = new InMemoryReviewStore();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Queue(store, store, TimeProvider.System, configure: o =>
        {
            o.Deadline = TimeSpan.Zero;
            o.PollInterval = TimeSpan.FromMinutes(5);
            o.MaxEscalations = 11;
        }));

        Assert.That(error!.Message, Does.Contain("HumanReviewOptions.Deadline must be a positive duration")
            .And.Contain("HumanReviewOptions.PollInterval must be between 10 milliseconds and 1 minute")
            .And.Contain("HumanReviewOptions.MaxEscalations must be between 1 and 10"));
    }

    [Test]
    public async Task Submissions_and_decisions_are_counted_and_timed_by_reason_family_and_outcome()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var submitted = new MetricCollector<long>(meters, SafeOpenAITelemetry.SourceName, SafeOpenAITelemetry.ReviewSubmittedMetric);
        using var decided = new MetricCollector<long>(meters, SafeOpenAITelemetry.SourceName, SafeOpenAITelemetry.ReviewDecidedMetric);
        using var decisionTime = new MetricCollector<double>(meters, SafeOpenAITelemetry.SourceName, SafeOpenAITelemetry.ReviewDecisionTimeMetric);
        var store = new InMemoryReviewStore();
        var time = new FakeTimeProvider(Start);
        var queue = Queue(store, store, time, meters: meters);

        var approved = await queue.SubmitAsync(Submission("moderation.review:self-harm"), CancellationToken.None);
        var expired = await queue.SubmitAsync(Submission(), CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(2));
        await queue.ApproveAsync(Reviewer("rita"), approved.ReviewId, null, CancellationToken.None);
        time.Advance(TimeSpan.FromDays(1));
        await queue.EnforceDeadlinesAsync(CancellationToken.None);

        Assert.That(submitted.GetMeasurementSnapshot().Select(m => (m.Value, m.Tags["safeopenai.review.reason"])), Is.EqualTo(new[] { (1L, (object?)"moderation.review"), (1L, "review.risk_domain") }));
        Assert.That(decided.GetMeasurementSnapshot().Select(m => (m.Value, m.Tags["safeopenai.review.outcome"])), Is.EqualTo(new[] { (1L, (object?)"approved"), (1L, "expired") }));
        Assert.That(decisionTime.GetMeasurementSnapshot().Select(m => (m.Value, m.Tags["safeopenai.review.outcome"])), Is.EqualTo(new[] { (120d, (object?)"approved"), (86_400d, "expired") }));
        Assert.That(expired.Deadline, Is.EqualTo(Start.AddHours(24)));
    }

    [Test]
    public void An_escalation_alert_reaches_a_webhook_as_scope_review_about_the_review_id()
    {
        var alert = new SafetyAlert(HumanReviewQueue.EscalatedAlertRule, AlertScope.Review, "0123456789abcdef0123456789abcdef", 1, 1, "count", TimeSpan.FromHours(24), Start);

        using var body = System.Text.Json.JsonDocument.Parse(WebhookSafetyAlertSink.Serialize(alert));

        Assert.That(body.RootElement.GetProperty("rule").GetString(), Is.EqualTo("review.escalated"));
        Assert.That(body.RootElement.GetProperty("scope").GetString(), Is.EqualTo("review"));
        Assert.That(body.RootElement.GetProperty("subject").GetString(), Is.EqualTo("0123456789abcdef0123456789abcdef"));
        Assert.That(body.RootElement.GetProperty("window_seconds").GetDouble(), Is.EqualTo(86_400));
    }

    [Test]
    public void The_stored_material_round_trips_with_every_verdict_phase_and_no_reflection()
    {
        var verdicts = new[]
        {
            new SafetyVerdict("OpenAIModeration", SafetyAction.Review, "moderation.review:self-harm", "A person checks this.", new Dictionary<string, string> { ["top_score"] = "0.4100" }).InPhase(SafetyPhase.OutputModeration),
            new SafetyVerdict("Model", SafetyAction.Allow, "model.completed").InPhase(SafetyPhase.Model),
        };
        var material = new ReviewMaterial(
            [new ReviewMessage(MessageRole.Developer, "Be brief."), new ReviewMessage(MessageRole.User, "Ünïcödé \"quoted\" <tag>\n[image]")],
            "An answer",
            [new SourceDocument("s-1", "Source one")],
            verdicts);

        var json = ReviewMaterialCodec.Serialize(material);
        var back = ReviewMaterialCodec.Deserialize(json);

        Assert.That(json, Does.Contain("\"conversation\"").And.Contain("\"user_message\""));
        Assert.That(back.Conversation, Is.EqualTo(material.Conversation));
        Assert.That(back.Answer, Is.EqualTo("An answer"));
        Assert.That(back.Sources, Is.EqualTo(material.Sources));
        Assert.That(back.Verdicts.Select(v => (v.Stage, v.Phase, v.Action, v.Code, v.UserMessage)), Is.EqualTo(verdicts.Select(v => (v.Stage, v.Phase, v.Action, v.Code, v.UserMessage))));
        Assert.That(back.Verdicts[0].Evidence, Is.EquivalentTo(verdicts[0].Evidence));
        Assert.That(() => ReviewMaterialCodec.Deserialize("{not json"), Throws.InstanceOf<FormatException>());
    }
}
