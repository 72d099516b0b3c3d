using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;
using SafeOpenAI.Testing;

namespace SafeOpenAI.PostgreSql.Tests.Audit;

/// <summary><c>UsePostgreSqlStore</c> for the audit trail: options checked at registration, the sink and store registered, and calls through the real SDK stored.</summary>
public class PostgreSqlAuditRegistrationTests
{
    private const string HashKey = "integration-test-hash-key-0123456789";
    private const string ConnectionString = "Host=127.0.0.1;Database=app;Username=app;Password=secret-pw";

    [TestCase(nameof(PostgreSqlAuditOptions.QueueCapacity))]
    [TestCase(nameof(PostgreSqlAuditOptions.MaxBatchSize))]
    [TestCase(nameof(PostgreSqlAuditOptions.MaxBatchDelay))]
    [TestCase(nameof(PostgreSqlAuditOptions.WhenFull))]
    public void An_audit_option_out_of_range_is_refused_at_registration_naming_it(string option)
    {
        var services = new ServiceCollection();
        var builder = services.AddSafeOpenAI(o => o.Identity.HashKey = HashKey);

        var error = Assert.Throws<ArgumentException>(() => builder.UsePostgreSqlStore(o =>
        {
            o.ConnectionString = ConnectionString;
            switch (option)
            {
                case nameof(PostgreSqlAuditOptions.QueueCapacity): o.Audit.QueueCapacity = 0; break;
                case nameof(PostgreSqlAuditOptions.MaxBatchSize): o.Audit.MaxBatchSize = -1; break;
                case nameof(PostgreSqlAuditOptions.MaxBatchDelay): o.Audit.MaxBatchDelay = TimeSpan.FromSeconds(2); break;
                default: o.Audit.WhenFull = (AuditQueueFullMode)7; break;
            }
        }));

        Assert.That(error!.Message, Does.Contain("PostgreSqlStoreOptions.Audit." + option).And.Not.Contain("secret-pw"));
    }

    [Test]
    public async Task The_sink_replaces_the_default_and_the_store_reads_records_unless_a_reader_is_registered()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSafeOpenAI(o => o.Identity.HashKey = HashKey).UsePostgreSqlStore(ConnectionString);
        await using (var provider = services.BuildServiceProvider())
        {
            Assert.That(provider.GetRequiredService<IAuditSink>(), Is.SameAs(provider.GetRequiredService<PostgreSqlAuditSink>()));
            Assert.That(provider.GetRequiredService<IAuditRecordReader>(), Is.SameAs(provider.GetRequiredService<PostgreSqlAuditStore>()));
            Assert.That(services.Count(d => d.ServiceType == typeof(IAuditSink)), Is.EqualTo(1));
        }

        var mine = new RecordingAuditSink();
        var withReader = new ServiceCollection();
        withReader.AddSingleton<IAuditRecordReader>(mine);
        withReader.AddSafeOpenAI(o => o.Identity.HashKey = HashKey).UsePostgreSqlStore(ConnectionString);
        await using var second = withReader.BuildServiceProvider();
        Assert.That(second.GetRequiredService<IAuditRecordReader>(), Is.SameAs(mine));
    }

    [Test]
    public async Task Calls_through_the_real_SDK_leave_their_records_in_the_database()
    {
        var connectionString = await PostgreSqlServerFixture.CreateDatabaseAsync();
        await using var endpoint = await LocalOpenAIEndpoint.StartAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(endpoint.CreateChatClient("gpt-4o-mini", maxRetries: 0));
        services.AddSingleton(endpoint.CreateModerationClient(maxRetries: 0));
        services.AddSafeOpenAI(o => o.Identity.HashKey = HashKey).UsePostgreSqlStore(connectionString);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        SafeChatResult answered;
        SafeChatResult blocked;
        IReadOnlyList<AuditRecord> all;
        IReadOnlyList<AuditRecord> flagged;
        AuditRecord? done;
        try
        {
            var client = provider.GetRequiredService<SafeChatClient>();
            answered = await client.CompleteAsync(Ask("What is the capital of France?"));
            blocked = await client.CompleteAsync(Ask("How do I kill my neighbour?"));
            var store = provider.GetRequiredService<PostgreSqlAuditStore>();
            using var hasher = new SafetyHasher(new SafetyIdentifierOptions { HashKey = HashKey });
            all = await store.QueryAsync(new AuditQuery { SafetyIdentifier = hasher.ComputeSafetyIdentifier("user-1") }, CancellationToken.None);
            flagged = await store.QueryAsync(new AuditQuery { FlaggedOnly = true, VerdictCode = "moderation.flagged" }, CancellationToken.None);
            done = await provider.GetRequiredService<IAuditRecordReader>().GetAsync(answered.AuditId, CancellationToken.None);
        }
        finally
        {
            await provider.DisposeAsync();
        }

        Assert.That((answered.Status, blocked.Status), Is.EqualTo((SafeChatStatus.Completed, SafeChatStatus.Blocked)));
        Assert.That(all.Select(r => r.AuditId), Is.EquivalentTo(new[] { answered.AuditId, blocked.AuditId }));
        var block = flagged.Single();
        Assert.That(block.AuditId, Is.EqualTo(blocked.AuditId));
        Assert.That(block.DecisiveCode, Is.EqualTo("moderation.flagged:violence"));
        Assert.That(block.TenantId, Is.EqualTo("tenant-7"));
        Assert.That(block.ModerationScores.Single(), Is.EqualTo(new AuditModerationScore(SafetyPhase.InputModeration, "violence", OfflineModerationStandIn.FlaggedScore, true)));
        Assert.That(done!.Outcome, Is.EqualTo(AuditOutcome.Completed));
        Assert.That(done.Usage, Is.EqualTo(answered.Usage));
        Assert.That(done.StageDurations.Select(d => d.Phase), Does.Contain(SafetyPhase.Model).And.Contain(SafetyPhase.InputModeration));
    }

    private static SafeChatRequest Ask(string text) =>
        new([ChatMessage.CreateSystemMessage("You are helpful."), ChatMessage.CreateUserMessage(text)])
        {
            Identity = new SafetyIdentity("user-1", "session-1", "tenant-7"),
        };
}
