using SafeOpenAI.Testing;

namespace SafeOpenAI.Tests.Audit;

/// <summary>The audit store contract on the in-memory <see cref="RecordingAuditSink"/>, the reference the durable stores are held to.</summary>
public class RecordingAuditSinkContractTests : AuditStoreContractTests
{
    protected override Task<AuditStoreUnderTest> CreateStoreAsync()
    {
        var sink = new RecordingAuditSink();
        return Task.FromResult(new AuditStoreUnderTest(sink, sink, sink.QueryAsync));
    }
}
