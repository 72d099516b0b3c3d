using System.Security.Claims;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SafeOpenAI.Tests.Review;

/// <summary>What <c>UseHumanReview()</c> and <c>UseReviewerAuthorization&lt;T&gt;()</c> register, and when the material key is required.</summary>
public class HumanReviewRegistrationTests
{
    private const string HashKey = "review-registration-hash-key-0123456789";

    private static ServiceProvider Build(Action<ISafeOpenAIBuilder> build, Action<IServiceCollection>? before = null, Action<SafeOpenAIOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        before?.Invoke(services);
        var builder = services.AddSafeOpenAI(o =>
        {
            o.ApiKey = "sk-local";
            o.Identity.HashKey = HashKey;
            configure?.Invoke(o);
        });
        build(builder);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Test]
    public void The_queue_the_pipeline_and_the_store_share_one_instance_each()
    {
        using var provider = Build(b => b.UseHumanReview().UseHumanReview());

        var queue = provider.GetRequiredService<IHumanReviewQueue>();

        Assert.That(queue, Is.SameAs(provider.GetRequiredService<HumanReviewQueue>()));
        Assert.That(provider.GetRequiredService<IReviewStore>(), Is.SameAs(provider.GetRequiredService<IReviewAccessLog>()));
        Assert.That(provider.GetRequiredService<IReviewStore>(), Is.InstanceOf<InMemoryReviewStore>());
        Assert.That(provider.GetRequiredService<IFeedbackStore>(), Is.InstanceOf<InMemoryFeedbackStore>());
        Assert.That(provider.GetRequiredService<IReviewerAuthorization>(), Is.InstanceOf<RoleReviewerAuthorization>());
        Assert.That(provider.GetServices<IHostedService>().Count(s => s.GetType().Name == "ReviewDeadlineService"), Is.EqualTo(1), "registered once, however often UseHumanReview is called");
    }

    [Test]
    public async Task The_default_authorization_admits_the_configured_role_and_not_the_askers_own_review()
    {
        using var provider = Build(b => b.UseHumanReview(), configure: o => o.Review.ReviewerRole = "clinical-reviewer");
        var authorization = provider.GetRequiredService<IReviewerAuthorization>();
        var hasher = provider.GetRequiredService<SafetyHasher>();
        static ClaimsPrincipal Member(string name, string role) => new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], "test"));
        var ritasOwn = new ReviewSummary("r1", "a1", ReviewStatus.Pending, "review.risk_domain", "RiskDomainReview", null, hasher.ComputeSafetyIdentifier("rita"), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 0, null, null, null, null, null);

        Assert.That(await authorization.IsAuthorizedAsync(Member("rita", "clinical-reviewer"), null, CancellationToken.None), Is.True);
        Assert.That(await authorization.IsAuthorizedAsync(Member("rita", "safeopenai-reviewer"), null, CancellationToken.None), Is.False);
        Assert.That(await authorization.IsAuthorizedAsync(Member("rita", "clinical-reviewer"), ritasOwn, CancellationToken.None), Is.False);
        Assert.That(await authorization.IsAuthorizedAsync(Member("sam", "clinical-reviewer"), ritasOwn, CancellationToken.None), Is.True);
    }

    [Test]
    public void A_custom_authorization_replaces_the_default_registered_before_or_after()
    {
        using var after = Build(b => b.UseHumanReview().UseReviewerAuthorization<NobodyReviews>());
        using var before = Build(b => b.UseReviewerAuthorization<NobodyReviews>().UseHumanReview());

        Assert.That(after.GetRequiredService<IReviewerAuthorization>(), Is.InstanceOf<NobodyReviews>());
        Assert.That(before.GetRequiredService<IReviewerAuthorization>(), Is.InstanceOf<NobodyReviews>());
        Assert.That(after.GetServices<IReviewerAuthorization>().Count(), Is.EqualTo(1));
    }

    [Test]
    public void A_store_registered_first_is_kept()
    {
        var mine = new InMemoryReviewStore();
        using var provider = Build(b => b.UseHumanReview(), services =>
        {
            services.AddSingleton<IReviewStore>(mine);
            services.AddSingleton<IReviewAccessLog>(mine);
        });

        Assert.That(provider.GetRequiredService<IReviewStore>(), Is.SameAs(mine));
        Assert.That(provider.GetRequiredService<IHumanReviewQueue>(), Is.Not.Null);
    }

    [Test]
    public void A_durable_store_without_a_material_key_is_refused_naming_the_key()
    {
        var durable = new DurableStore();
        using var provider = Build(b => b.UseHumanReview(), services =>
        {
            services.AddSingleton<IReviewStore>(durable);
            services.AddSingleton<IReviewAccessLog>(durable);
        });

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IHumanReviewQueue>());

        Assert.That(error!.Message, Does.Contain("SafeOpenAI:Review:MaterialKey is required").And.Contain(nameof(DurableStore)));
    }

    [Test]
    public async Task A_durable_store_with_a_material_key_encrypts_under_that_key()
    {
        var key = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray());
        var durable = new DurableStore();
        using var provider = Build(
            b => b.UseHumanReview(),
            services =>
            {
                services.AddSingleton<IReviewStore>(durable);
                services.AddSingleton<IReviewAccessLog>(durable);
            },
            o => o.Review.MaterialKey = key);

        var held = await provider.GetRequiredService<IHumanReviewQueue>().SubmitAsync(
            new ReviewSubmission("audit-1", null, null, new SafetyVerdict("Custom", SafetyAction.Review, "custom.review"), new ReviewMaterial([], "answer", [], [])),
            CancellationToken.None);
        var stored = await durable.GetAsync(held.ReviewId, CancellationToken.None);

        Assert.That(stored!.ProtectedMaterial, Does.StartWith("v1." + new AuditContentProtector(key).KeyId + "."));
    }

    [Test]
    public async Task Review_options_bind_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SafeOpenAI:ApiKey"] = "k",
            ["SafeOpenAI:Identity:HashKey"] = HashKey,
            ["SafeOpenAI:Review:Deadline"] = "00:30:00",
            ["SafeOpenAI:Review:OnDeadline"] = "Escalate",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSafeOpenAI(configuration.GetSection("SafeOpenAI")).UseHumanReview();
        await using var provider = services.BuildServiceProvider();

        var held = await provider.GetRequiredService<IHumanReviewQueue>().SubmitAsync(
            new ReviewSubmission("audit-1", null, null, new SafetyVerdict("Custom", SafetyAction.Review, "custom.review"), new ReviewMaterial([], "answer", [], [])),
            CancellationToken.None);

        Assert.That(held.Deadline - held.CreatedAt, Is.EqualTo(TimeSpan.FromMinutes(30)));
    }

    private sealed class NobodyReviews : IReviewerAuthorization
    {
        public ValueTask<bool> IsAuthorizedAsync(ClaimsPrincipal reviewer, ReviewSummary? review, CancellationToken cancellationToken) => ValueTask.FromResult(false);
    }

    private sealed class DurableStore : IReviewStore, IReviewAccessLog, IDurableReviewStore
    {
        private readonly InMemoryReviewStore _inner = new();

        public Task AddAsync(ReviewRecord record, CancellationToken cancellationToken) => _inner.AddAsync(record, cancellationToken);

        public Task<ReviewRecord?> GetAsync(string reviewId, CancellationToken cancellationToken) => _inner.GetAsync(reviewId, cancellationToken);

        public Task<IReadOnlyList<ReviewRecord>> ListAsync(ReviewListQuery query, CancellationToken cancellationToken) => _inner.ListAsync(query, cancellationToken);

        public Task<bool> TryReplaceAsync(ReviewRecord updated, long expectedVersion, CancellationToken cancellationToken) => _inner.TryReplaceAsync(updated, expectedVersion, cancellationToken);

        public Task AppendAsync(ReviewAccessEntry entry, CancellationToken cancellationToken) => _inner.AppendAsync(entry, cancellationToken);

        public Task<IReadOnlyList<ReviewAccessEntry>> ListAsync(string subjectId, CancellationToken cancellationToken) => _inner.ListAsync(subjectId, cancellationToken);
    }
}
