using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SafeOpenAI.Sqlite.Tests.Review;

public class SqliteHumanReviewBuilderTests
{
    private const string Key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    [TestCase(true)]
    [TestCase(false)]
    public void The_sqlite_stores_replace_the_in_memory_ones_before_or_after_UseHumanReview_and_the_log_is_the_review_store(bool humanReviewFirst)
    {
        using var db = new TempDatabase();
        var services = new ServiceCollection();
        var builder = services.AddSafeOpenAI(o => Valid(o, Key));
        if (humanReviewFirst)
        {
            builder.UseHumanReview().UseSqliteHumanReview(db.ConnectionString);
        }
        else
        {
            builder.UseSqliteHumanReview(db.ConnectionString).UseHumanReview();
        }

        using var provider = services.BuildServiceProvider();

        var reviews = provider.GetRequiredService<IReviewStore>();
        Assert.That(reviews, Is.InstanceOf<SqliteReviewStore>());
        Assert.That(provider.GetRequiredService<IReviewAccessLog>(), Is.SameAs(reviews));
        Assert.That(provider.GetRequiredService<SqliteReviewStore>(), Is.SameAs(reviews));
        Assert.That(provider.GetRequiredService<IFeedbackStore>(), Is.SameAs(provider.GetRequiredService<SqliteFeedbackStore>()));
        Assert.That(provider.GetServices<IReviewStore>().Count(), Is.EqualTo(1));
        Assert.That(provider.GetServices<IFeedbackStore>().Count(), Is.EqualTo(1));
        Assert.That(provider.GetRequiredService<IHumanReviewQueue>(), Is.Not.Null, "the queue is built over the SQLite store");
    }

    [Test]
    public async Task The_registered_stores_share_the_named_file()
    {
        using var db = new TempDatabase();
        var services = new ServiceCollection();
        services.AddSafeOpenAI(o => o.Review.MaterialKey = Key).UseSqliteHumanReview(o => o.ConnectionString = db.ConnectionString);
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IReviewStore>().AddAsync(ReviewRecords.Pending(ReviewRecords.Id(1), ReviewRecords.T0), CancellationToken.None);
        await provider.GetRequiredService<IFeedbackStore>().AddAsync(ReviewRecords.Report(ReviewRecords.Id(2), ReviewRecords.T0), CancellationToken.None);

        Assert.That(await db.ReviewStore().GetAsync(ReviewRecords.Id(1), CancellationToken.None), Is.Not.Null);
        Assert.That(await db.FeedbackStore().GetAsync(ReviewRecords.Id(2), CancellationToken.None), Is.Not.Null);
    }

    [TestCase(null, "is required by UseSqliteHumanReview")]
    [TestCase("  ", "is required by UseSqliteHumanReview")]
    [TestCase("bm90LTMyLWJ5dGVz", "must be 32 random bytes")]
    public void The_host_does_not_start_without_a_shared_material_key(string? key, string reason)
    {
        using var db = new TempDatabase();
        using var host = Host(db, key);

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(ex!.Message, Does.Contain("SafeOpenAI:Review:MaterialKey " + reason));
    }

    [Test]
    public async Task The_host_starts_with_a_material_key()
    {
        using var db = new TempDatabase();
        using var host = Host(db, Key);

        await host.StartAsync();
        await host.StopAsync();

        Assert.That(host.Services.GetRequiredService<IReviewStore>(), Is.InstanceOf<SqliteReviewStore>());
    }

    [Test]
    public void A_connection_string_without_a_file_is_refused_at_registration()
    {
        var builder = new ServiceCollection().AddSafeOpenAI(o => o.Review.MaterialKey = Key);

        Assert.Throws<ArgumentException>(() => builder.UseSqliteHumanReview("Data Source=:memory:"));
        Assert.Throws<ArgumentException>(() => builder.UseSqliteHumanReview(o => o.ConnectionString = ""));
        Assert.Throws<ArgumentNullException>(() => builder.UseSqliteHumanReview((Action<SqliteHumanReviewOptions>)null!));
    }

    [Test]
    public void UseSqliteAudit_registers_the_audit_store_as_the_record_reader_unless_one_is_registered()
    {
        using var db = new TempDatabase();
        var services = new ServiceCollection();
        services.AddSafeOpenAI(_ => { }).UseSqliteAudit(db.ConnectionString);
        using (var provider = services.BuildServiceProvider())
        {
            Assert.That(provider.GetRequiredService<IAuditRecordReader>(), Is.SameAs(provider.GetRequiredService<SqliteAuditStore>()));
        }

        var own = new Moq.Mock<IAuditRecordReader>().Object;
        var withOwn = new ServiceCollection();
        withOwn.AddSingleton(own);
        withOwn.AddSafeOpenAI(_ => { }).UseSqliteAudit(db.ConnectionString);
        using var second = withOwn.BuildServiceProvider();
        Assert.That(second.GetRequiredService<IAuditRecordReader>(), Is.SameAs(own));
    }

    private static IHost Host(TempDatabase db, string? key)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddSafeOpenAI(o => Valid(o, key)).UseHumanReview().UseSqliteHumanReview(db.ConnectionString);
        return builder.Build();
    }

    /// <summary>Options that pass validation but for the material key; the API key is never used (nothing is called).</summary>
    private static void Valid(SafeOpenAIOptions options, string? materialKey)
    {
        options.ApiKey = "sk-test-not-used";
        options.Identity.HashKey = "builder-test-hash-key-0123456789abcdef";
        options.Review.MaterialKey = materialKey;
    }
}
