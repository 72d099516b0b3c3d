using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SafeOpenAI.PostgreSql.Tests.Review;

/// <summary><c>UsePostgreSqlStore</c>'s review half: it replaces the in-memory stores in either order and requires the shared material key.</summary>
public class PostgreSqlReviewRegistrationTests
{
    private const string Key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private const string ConnectionString = "Host=127.0.0.1;Port=1;Database=unused;Username=unused";

    [TestCase(true)]
    [TestCase(false)]
    public async Task The_postgresql_stores_replace_the_in_memory_ones_before_or_after_UseHumanReview(bool humanReviewFirst)
    {
        var services = new ServiceCollection();
        var builder = services.AddSafeOpenAI(o => Valid(o, Key));
        if (humanReviewFirst)
        {
            builder.UseHumanReview().UsePostgreSqlStore(ConnectionString);
        }
        else
        {
            builder.UsePostgreSqlStore(ConnectionString).UseHumanReview();
        }

        await using var provider = services.BuildServiceProvider();

        var reviews = provider.GetRequiredService<IReviewStore>();
        Assert.That(reviews, Is.InstanceOf<PostgreSqlReviewStore>());
        Assert.That(provider.GetRequiredService<IReviewAccessLog>(), Is.SameAs(reviews));
        Assert.That(provider.GetRequiredService<PostgreSqlReviewStore>(), Is.SameAs(reviews));
        Assert.That(provider.GetRequiredService<IFeedbackStore>(), Is.SameAs(provider.GetRequiredService<PostgreSqlFeedbackStore>()));
        Assert.That(provider.GetServices<IReviewStore>().Count(), Is.EqualTo(1));
        Assert.That(provider.GetServices<IReviewAccessLog>().Count(), Is.EqualTo(1));
        Assert.That(provider.GetServices<IFeedbackStore>().Count(), Is.EqualTo(1));
        Assert.That(provider.GetRequiredService<IHumanReviewQueue>(), Is.Not.Null, "the queue is built over the PostgreSQL store");
    }

    [Test]
    public async Task The_registered_stores_share_one_database()
    {
        var connectionString = await PostgreSqlServerFixture.CreateDatabaseAsync();
        var services = new ServiceCollection();
        services.AddSafeOpenAI(o => Valid(o, Key)).UseHumanReview().UsePostgreSqlStore(connectionString);
        await using var provider = services.BuildServiceProvider();
        var queue = provider.GetRequiredService<IHumanReviewQueue>();

        var held = await queue.SubmitAsync(ReviewQueueInstances.Submission("audit-di"), CancellationToken.None);

        await using var other = new PostgreSqlReviewStore(connectionString);
        Assert.That((await other.GetAsync(held.ReviewId, CancellationToken.None))?.Summary, Is.EqualTo(held));
    }

    [TestCase(null)]
    [TestCase("  ")]
    public void The_host_does_not_start_without_a_shared_material_key(string? key)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSafeOpenAI(o => Valid(o, key)).UseHumanReview().UsePostgreSqlStore(ConnectionString);
        using var host = builder.Build();

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(ex!.Message, Does.Contain("SafeOpenAI:Review:MaterialKey is required by UsePostgreSqlStore"));
    }

    [Test]
    public async Task The_host_starts_with_a_material_key()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSafeOpenAI(o => Valid(o, Key)).UseHumanReview().UsePostgreSqlStore(await PostgreSqlServerFixture.CreateDatabaseAsync());
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        Assert.That(host.Services.GetRequiredService<IReviewStore>(), Is.InstanceOf<PostgreSqlReviewStore>());
    }

    [Test]
    public async Task An_audit_only_host_without_human_review_needs_no_material_key()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSafeOpenAI(o => Valid(o, null)).UsePostgreSqlStore(await PostgreSqlServerFixture.CreateDatabaseAsync());
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        Assert.That(host.Services.GetRequiredService<IAuditSink>(), Is.InstanceOf<PostgreSqlAuditSink>());
    }

    /// <summary>Options that pass validation but for the material key; the API key is never used (nothing is called).</summary>
    private static void Valid(SafeOpenAIOptions options, string? materialKey)
    {
        options.ApiKey = "sk-test-not-used";
        options.Identity.HashKey = "pg-builder-test-hash-key-0123456789abcdef";
        options.Review.MaterialKey = materialKey;
    }
}
