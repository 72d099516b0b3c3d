using Microsoft.Extensions.Time.Testing;
using Moq;
using SafeOpenAI.Testing;

namespace SafeOpenAI.Tests.Pipeline;

public class AuditRecordFieldsTests
{
    [Test]
    public async Task The_record_carries_the_tenant_id_and_the_token_counts_by_kind()
    {
        var audit = new RecordingAuditSink();
        var pipeline = PipelineFactory.Create(auditSink: audit);
        var request = PipelineFactory.Request(identity: new SafetyIdentity("user-1", "session-1", "tenant-42"));

        await pipeline.RunAsync(request, (_, _) => Task.FromResult(PipelineFactory.Answer(usage: new TokenUsage(120, 30, 100, 12))), CancellationToken.None);

        var record = audit.Records.Single();
        Assert.That(record.TenantId, Is.EqualTo("tenant-42"));
        Assert.That(record.Usage, Is.EqualTo(new TokenUsage(120, 30, 100, 12)));
    }

    [Test]
    public async Task A_call_without_a_tenant_has_no_tenant_id()
    {
        var audit = new RecordingAuditSink();
        var pipeline = PipelineFactory.Create(auditSink: audit);

        await pipeline.RunAsync(PipelineFactory.Request(), (_, _) => Task.FromResult(PipelineFactory.Answer()), CancellationToken.None);

        Assert.That(audit.Records.Single().TenantId, Is.Null);
    }

    [Test]
    public async Task Each_stage_is_timed_on_the_time_provider_in_the_order_it_ran()
    {
        var time = new FakeTimeProvider();
        var audit = new RecordingAuditSink();
        var guard = new Mock<IInputGuard>();
        guard.SetupGet(g => g.Name).Returns("guard");
        guard.Setup(g => g.InspectAsync(It.IsAny<SafetyRequest>(), It.IsAny<CancellationToken>())).Returns(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(5));
            return ValueTask.FromResult(InputGuardResult.Allow("guard"));
        });
        var validator = new Mock<IOutputValidator>();
        validator.SetupGet(v => v.Name).Returns("validator");
        validator.Setup(v => v.ValidateAsync(It.IsAny<SafetyRequest>(), It.IsAny<SafetyResponse>(), It.IsAny<CancellationToken>())).Returns(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(7));
            return ValueTask.FromResult(OutputValidationResult.Allow("validator"));
        });
        var moderation = ModerationReturning(time, allowScore: "0.0123");
        var pipeline = PipelineFactory.Create(inputGuards: [guard.Object], moderation: moderation, outputValidators: [validator.Object], auditSink: audit, timeProvider: time);

        await pipeline.RunAsync(
            PipelineFactory.Request(),
            (_, _) =>
            {
                time.Advance(TimeSpan.FromSeconds(2));
                return Task.FromResult(PipelineFactory.Answer());
            },
            CancellationToken.None);

        var record = audit.Records.Single();
        Assert.That(record.StageDurations, Is.EqualTo(new[]
        {
            new AuditStageDuration("guard", SafetyPhase.Input, TimeSpan.FromMilliseconds(5)),
            new AuditStageDuration("moderation", SafetyPhase.InputModeration, TimeSpan.FromMilliseconds(3)),
            new AuditStageDuration("Model", SafetyPhase.Model, TimeSpan.FromSeconds(2)),
            new AuditStageDuration("moderation", SafetyPhase.OutputModeration, TimeSpan.FromMilliseconds(3)),
            new AuditStageDuration("validator", SafetyPhase.Output, TimeSpan.FromMilliseconds(7)),
        }));
        Assert.That(record.Duration, Is.EqualTo(TimeSpan.FromMilliseconds(2018)));
    }

    [Test]
    public async Task Allowed_moderation_checks_record_their_highest_category_score()
    {
        var audit = new RecordingAuditSink();
        var pipeline = PipelineFactory.Create(moderation: ModerationReturning(null, allowScore: "0.0123"), auditSink: audit);

        await pipeline.RunAsync(PipelineFactory.Request(), (_, _) => Task.FromResult(PipelineFactory.Answer()), CancellationToken.None);

        Assert.That(audit.Records.Single().ModerationScores, Is.EqualTo(new[]
        {
            new AuditModerationScore(SafetyPhase.InputModeration, "harassment", 0.0123, false),
            new AuditModerationScore(SafetyPhase.OutputModeration, "harassment", 0.0123, false),
        }));
    }

    [Test]
    public async Task A_flagged_input_records_its_top_flagged_category_and_score()
    {
        var audit = new RecordingAuditSink();
        var pipeline = PipelineFactory.Create(moderation: ModerationReturning(null, allowScore: null, flagScore: "0.9731"), auditSink: audit);

        var result = await pipeline.RunAsync(PipelineFactory.Request(), (_, _) => Task.FromResult(PipelineFactory.Answer()), CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(audit.Records.Single().ModerationScores, Is.EqualTo(new[]
        {
            new AuditModerationScore(SafetyPhase.InputModeration, "violence", 0.9731, true),
        }));
    }

    [Test]
    public async Task Moderation_verdicts_without_scores_record_none()
    {
        var audit = new RecordingAuditSink();
        var pipeline = PipelineFactory.Create(moderation: ModerationReturning(null, allowScore: null), auditSink: audit);

        await pipeline.RunAsync(PipelineFactory.Request(), (_, _) => Task.FromResult(PipelineFactory.Answer()), CancellationToken.None);

        Assert.That(audit.Records.Single().ModerationScores, Is.Empty);
    }

    private static IModerationCheck ModerationReturning(FakeTimeProvider? time, string? allowScore, string? flagScore = null)
    {
        var moderation = new Mock<IModerationCheck>();
        moderation.SetupGet(m => m.Name).Returns("moderation");
        moderation.Setup(m => m.ModerateAsync(It.IsAny<ModerationDirection>(), It.IsAny<IReadOnlyList<MessagePart>>(), It.IsAny<SafetyRequest>(), It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                time?.Advance(TimeSpan.FromMilliseconds(3));
                if (flagScore is not null)
                {
                    return ValueTask.FromResult(SafetyVerdict.Block("moderation", "moderation.flagged:violence", "No.", new Dictionary<string, string>
                    {
                        ["top_category"] = "violence",
                        ["top_score"] = flagScore,
                    }));
                }

                var evidence = allowScore is null
                    ? new Dictionary<string, string>()
                    : new Dictionary<string, string> { ["max_category"] = "harassment", ["max_score"] = allowScore };
                return ValueTask.FromResult(new SafetyVerdict("moderation", SafetyAction.Allow, SafetyVerdict.AllowedCode, null, evidence));
            });
        return moderation.Object;
    }
}
