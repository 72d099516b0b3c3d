using Moq;
using SafeOpenAI.Testing;
using SafeOpenAI.Tests.Pipeline;

namespace SafeOpenAI.Tests.Access;

public class AccessCheckPipelineTests
{
    [Test]
    public async Task A_suspended_user_is_blocked_before_any_guard_runs_or_the_model_is_called()
    {
        var hasher = new SafetyHasher(new SafetyIdentifierOptions { HashKey = PipelineFactory.HashKey });
        var userKey = hasher.ComputeSafetyIdentifier("user-1");
        var until = new DateTimeOffset(2026, 11, 23, 14, 0, 0, TimeSpan.Zero);
        var policy = new Mock<IUserAccessPolicy>(MockBehavior.Strict);
        policy.Setup(p => p.GetSuspensionAsync(userKey, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new UserSuspension(userKey, AnomalyRules.RepeatedModerationFlags, until.AddHours(-1), until));
        var guard = new Mock<IInputGuard>(MockBehavior.Strict);
        guard.SetupGet(g => g.Name).Returns("guard");
        var audit = new RecordingAuditSink();
        var pipeline = PipelineFactory.Create(inputGuards: [guard.Object], auditSink: audit, accessPolicy: policy.Object);
        var modelCalls = 0;

        var result = await pipeline.RunAsync(PipelineFactory.Request(), (_, _) =>
        {
            modelCalls++;
            return Task.FromResult(PipelineFactory.Answer());
        }, CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo(UserAccessCodes.Suspended));
        Assert.That(result.DecisiveVerdict.Phase, Is.EqualTo(SafetyPhase.Access));
        Assert.That(result.DecisiveVerdict.Evidence["reason"], Is.EqualTo(AnomalyRules.RepeatedModerationFlags));
        Assert.That(result.DecisiveVerdict.Evidence["until"], Is.EqualTo("2026-11-23T14:00:00.0000000Z"));
        Assert.That(modelCalls, Is.Zero);
        guard.Verify(g => g.InspectAsync(It.IsAny<SafetyRequest>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.That(audit.Records.Single().DecisiveCode, Is.EqualTo(UserAccessCodes.Suspended));
    }

    [Test]
    public async Task A_caller_without_a_user_is_checked_under_the_anonymous_key_of_its_session()
    {
        var hasher = new SafetyHasher(new SafetyIdentifierOptions { HashKey = PipelineFactory.HashKey });
        var expectedKey = BudgetSubject.AnonymousUser + ":" + hasher.HashSessionId("session-9");
        var policy = new Mock<IUserAccessPolicy>();
        policy.Setup(p => p.GetSuspensionAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync((UserSuspension?)null);
        var pipeline = PipelineFactory.Create(accessPolicy: policy.Object);

        var result = await pipeline.RunAsync(
            PipelineFactory.Request(identity: new SafetyIdentity(null, "session-9")),
            (_, _) => Task.FromResult(PipelineFactory.Answer()),
            CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        policy.Verify(p => p.GetSuspensionAsync(expectedKey, It.IsAny<CancellationToken>()), Times.Once);
    }
}
