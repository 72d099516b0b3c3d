using SafeOpenAI.Testing;
using SafeOpenAI.Tests.Pipeline;

namespace SafeOpenAI.Tests.Audit;

public class AuditContentCaptureTests
{
    private static readonly string Key = Convert.ToBase64String(Enumerable.Range(7, 32).Select(i => (byte)i).ToArray());

    [Test]
    public async Task By_default_a_record_holds_no_content_at_all()
    {
        var audit = new RecordingAuditSink();
        var pipeline = PipelineFactory.Create(auditSink: audit);

        await pipeline.RunAsync(PipelineFactory.Request("my email is ann@example.com"), (_, _) => Task.FromResult(PipelineFactory.Answer("noted")), CancellationToken.None);

        var record = audit.Records.Single();
        Assert.That(record.EncryptedInput, Is.Null);
        Assert.That(record.EncryptedOutput, Is.Null);
    }

    [Test]
    public async Task An_opted_in_record_holds_the_input_and_the_answer_encrypted_under_the_content_key()
    {
        var audit = new RecordingAuditSink();
        var pipeline = PipelineFactory.Create(auditSink: audit, configure: o =>
        {
            o.Audit.CaptureContent = true;
            o.Audit.ContentKey = Key;
        });

        await pipeline.RunAsync(PipelineFactory.Request("my email is ann@example.com"), (_, _) => Task.FromResult(PipelineFactory.Answer("noted")), CancellationToken.None);

        var record = audit.Records.Single();
        Assert.That(record.EncryptedInput, Does.Not.Contain("ann@example.com"));
        var protector = new AuditContentProtector(Key);
        Assert.That(protector.Unprotect(record.EncryptedInput!, record.AuditId), Is.EqualTo("my email is ann@example.com"));
        Assert.That(protector.Unprotect(record.EncryptedOutput!, record.AuditId), Is.EqualTo("noted"));
    }

    [Test]
    public async Task A_blocked_call_keeps_its_input_but_has_no_answer_to_keep()
    {
        var audit = new RecordingAuditSink();
        var guard = new Moq.Mock<IInputGuard>();
        guard.SetupGet(g => g.Name).Returns("guard");
        guard.Setup(g => g.InspectAsync(Moq.It.IsAny<SafetyRequest>(), Moq.It.IsAny<CancellationToken>()))
            .Returns(() => ValueTask.FromResult(InputGuardResult.FromVerdict(SafetyVerdict.Block("guard", "test.block", "no"))));
        var pipeline = PipelineFactory.Create(inputGuards: [guard.Object], auditSink: audit, configure: o =>
        {
            o.Audit.CaptureContent = true;
            o.Audit.ContentKey = Key;
        });

        await pipeline.RunAsync(PipelineFactory.Request("blocked words"), (_, _) => Task.FromResult(PipelineFactory.Answer()), CancellationToken.None);

        var record = audit.Records.Single();
        Assert.That(new AuditContentProtector(Key).Unprotect(record.EncryptedInput!, record.AuditId), Is.EqualTo("blocked words"));
        Assert.That(record.EncryptedOutput, Is.Null);
    }
}
