using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SafeOpenAI;

/// <summary>Registers the human review queue and user feedback on an <see cref="ISafeOpenAIBuilder"/>.</summary>
public static class HumanReviewBuilderExtensions
{
    /// <summary>
    /// Registers human review: answers a stage sends to review (a <see cref="SafetyAction.Review"/>
    /// verdict) are held in the <see cref="HumanReviewQueue"/> and the caller gets
    /// <see cref="SafeChatStatus.PendingReview"/> with a review id, instead of <c>review.unavailable</c>.
    /// Options come from <see cref="SafeOpenAIOptions.Review"/> (<c>SafeOpenAI:Review</c>).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Registers, each only when nothing is registered for it yet (so a durable store such as
    /// SQLite's, registered before or after, is kept): <see cref="InMemoryReviewStore"/> as
    /// <see cref="IReviewStore"/> and <see cref="IReviewAccessLog"/> (one instance),
    /// <see cref="InMemoryFeedbackStore"/> as <see cref="IFeedbackStore"/>,
    /// <see cref="RoleReviewerAuthorization"/> for <see cref="HumanReviewOptions.ReviewerRole"/> as
    /// <see cref="IReviewerAuthorization"/> (replace it with <see cref="UseReviewerAuthorization{T}"/>),
    /// <see cref="HumanReviewQueue"/> as itself and <see cref="IHumanReviewQueue"/>,
    /// <see cref="FeedbackInbox"/> as itself and <see cref="IFeedbackSink"/>, and a hosted service
    /// that applies overdue deadlines every minute.
    /// </para>
    /// <para>
    /// Material, released answers, notes and feedback comments are encrypted under
    /// <see cref="HumanReviewOptions.MaterialKey"/>, or under a random key per process when it is
    /// unset; with a store marked <see cref="IDurableReviewStore"/> the key is required, and resolving
    /// the queue without it throws <see cref="InvalidOperationException"/> naming
    /// <c>SafeOpenAI:Review:MaterialKey</c>. Calling this twice is harmless.
    /// </para>
    /// </remarks>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The HumanReview defense is also switched on in configuration (<c>SafeOpenAI:Defenses:HumanReview:Enabled</c>).</exception>
    public static ISafeOpenAIBuilder UseHumanReview(this ISafeOpenAIBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ConfiguredDefenses.Mark(builder, ConfiguredDefenses.HumanReview);
        var services = builder.Services;
        services.TryAddSingleton<InMemoryReviewStore>();
        services.TryAddSingleton<IReviewStore>(sp => sp.GetRequiredService<InMemoryReviewStore>());
        services.TryAddSingleton<IReviewAccessLog>(sp => sp.GetRequiredService<InMemoryReviewStore>());
        services.TryAddSingleton<IFeedbackStore, InMemoryFeedbackStore>();
        services.TryAddSingleton<IReviewerAuthorization>(sp => new RoleReviewerAuthorization(Options(sp).Review.ReviewerRole, sp.GetRequiredService<SafetyHasher>()));
        services.TryAddSingleton(sp => ReviewMaterialProtector.Create(
            Options(sp).Review.MaterialKey,
            SafeOpenAIOptions.SectionName,
            [sp.GetRequiredService<IReviewStore>(), sp.GetRequiredService<IReviewAccessLog>(), sp.GetRequiredService<IFeedbackStore>()]));
        services.TryAddSingleton(sp => new HumanReviewQueue(
            sp.GetRequiredService<IReviewStore>(),
            sp.GetRequiredService<IReviewAccessLog>(),
            sp.GetRequiredService<IReviewerAuthorization>(),
            sp.GetRequiredService<ReviewMaterialProtector>().Protector,
            Options(sp).Review,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<SafetyAlertDispatcher>(),
            sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<IHumanReviewQueue>(sp => sp.GetRequiredService<HumanReviewQueue>());
        services.TryAddSingleton(sp =>
        {
            var options = Options(sp);
            return new FeedbackInbox(
                sp.GetRequiredService<IFeedbackStore>(),
                sp.GetRequiredService<IReviewAccessLog>(),
                sp.GetRequiredService<IReviewerAuthorization>(),
                sp.GetRequiredService<ReviewMaterialProtector>().Protector,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<IAuditRecordReader>(),
                sp.GetRequiredService<IHumanReviewQueue>(),
                options.Anomaly.Enabled ? sp.GetRequiredService<AnomalyMonitor>() : null,
                sp.GetService<IMeterFactory>(),
                sp.GetRequiredService<ILoggerFactory>());
        });
        services.TryAddSingleton<IFeedbackSink>(sp => sp.GetRequiredService<FeedbackInbox>());
        services.AddHostedService<ReviewDeadlineService>();
        return builder;
    }

    /// <summary>
    /// Replaces who may read and decide held answers and feedback reports (default:
    /// <see cref="RoleReviewerAuthorization"/> for <see cref="HumanReviewOptions.ReviewerRole"/>),
    /// before or after <see cref="UseHumanReview"/>.
    /// </summary>
    /// <typeparam name="T">The authorization, registered as a singleton (constructor injection); thread-safe.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static ISafeOpenAIBuilder UseReviewerAuthorization<T>(this ISafeOpenAIBuilder builder)
        where T : class, IReviewerAuthorization
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.RemoveAll<IReviewerAuthorization>();
        builder.Services.AddSingleton<IReviewerAuthorization, T>();
        return builder;
    }

    private static SafeOpenAIOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<SafeOpenAIOptions>>().Value;
}
