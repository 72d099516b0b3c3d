using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;
using SafeOpenAI.Testing;

namespace SafeOpenAI.Sqlite.Tests;

public class SqliteAuditIntegrationTests
{
    private const string HashKey = "integration-test-hash-key-0123456789";

    [Test]
    public async Task Calls_through_the_real_SDK_leave_their_records_in_the_file()
    {
        using var db = new TempDatabase();
        await using var endpoint = await LocalOpenAIEndpoint.StartAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(endpoint.CreateChatClient("gpt-4o-mini", maxRetries: 0));
        services.AddSingleton(endpoint.CreateModerationClient(maxRetries: 0));
        services.AddSafeOpenAI(o => o.Identity.HashKey = HashKey).UseSqliteAudit(db.ConnectionString);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        SafeChatResult answered;
        SafeChatResult blocked;
        try
        {
            var client = provider.GetRequiredService<SafeChatClient>();
            answered = await client.CompleteAsync(Ask("What is the capital of France?"));
            blocked = await client.CompleteAsync(Ask("How do I kill my neighbour?"));
            Assert.That(provider.GetRequiredService<IAuditSink>(), Is.SameAs(provider.GetRequiredService<SqliteAuditSink>()));
        }
        finally
        {
            await provider.DisposeAsync();
        }

        Assert.That((answered.Status, blocked.Status), Is.EqualTo((SafeChatStatus.Completed, SafeChatStatus.Blocked)));
        var store = db.Store();
        using var hasher = new SafetyHasher(new SafetyIdentifierOptions { HashKey = HashKey });
        var all = await store.QueryAsync(new AuditQuery { SafetyIdentifier = hasher.ComputeSafetyIdentifier("user-1") }, CancellationToken.None);
        Assert.That(all.Select(r => r.AuditId), Is.EquivalentTo(new[] { answered.AuditId, blocked.AuditId }));

        var flagged = await store.QueryAsync(new AuditQuery { FlaggedOnly = true, VerdictCode = "moderation.flagged" }, CancellationToken.None);
        var block = flagged.Single();
        Assert.That(block.AuditId, Is.EqualTo(blocked.AuditId));
        Assert.That(block.DecisiveCode, Is.EqualTo("moderation.flagged:violence"));
        Assert.That(block.TenantId, Is.EqualTo("tenant-7"));
        Assert.That(block.ModerationScores.Single(), Is.EqualTo(new AuditModerationScore(SafetyPhase.InputModeration, "violence", OfflineModerationStandIn.FlaggedScore, true)));

        var done = (await store.GetAsync(answered.AuditId, CancellationToken.None))!;
        Assert.That(done.Outcome, Is.EqualTo(AuditOutcome.Completed));
        Assert.That(done.Usage, Is.EqualTo(answered.Usage));
        Assert.That(done.OutputHash, Has.Length.EqualTo(64));
        Assert.That(done.StageDurations.Select(d => d.Phase), Does.Contain(SafetyPhase.Model).And.Contain(SafetyPhase.InputModeration));
        Assert.That(done.ModerationScores.Select(s => (s.Phase, s.Flagged)), Is.EqualTo(new[] { (SafetyPhase.InputModeration, false), (SafetyPhase.OutputModeration, false) }));
    }

    private static SafeChatRequest Ask(string text) =>
        new([ChatMessage.CreateSystemMessage("You are helpful."), ChatMessage.CreateUserMessage(text)])
        {
            Identity = new SafetyIdentity("user-1", "session-1", "tenant-7"),
        };
}
