using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SafeOpenAI.PostgreSql;

/// <summary>The review half of <c>UsePostgreSqlStore</c>.</summary>
public static partial class PostgreSqlStoreBuilderExtensions
{
    /// <summary>
    /// Registers one <see cref="PostgreSqlReviewStore"/> as <see cref="IReviewStore"/> and <see cref="IReviewAccessLog"/>
    /// and one <see cref="PostgreSqlFeedbackStore"/> as <see cref="IFeedbackStore"/>, replacing whatever was registered
    /// (the in-memory stores of an earlier <c>UseHumanReview()</c>; a later one keeps these, as it only adds what is
    /// missing), and requires <c>SafeOpenAI:Review:MaterialKey</c> at host start.
    /// </summary>
    static partial void AddReviewStores(IServiceCollection services, PostgreSqlStoreOptions options)
    {
        var connectionString = options.ConnectionString;
        services.RemoveAll<PostgreSqlReviewStore>();
        services.RemoveAll<PostgreSqlFeedbackStore>();
        services.RemoveAll<IReviewStore>();
        services.RemoveAll<IReviewAccessLog>();
        services.RemoveAll<IFeedbackStore>();

        // Created by the container, so it disposes them (the listening connection closes) before the shared data source.
        services.AddSingleton(sp => new PostgreSqlReviewStore(sp.GetRequiredService<PostgreSqlDatabase>(), connectionString, sp.GetService<ILoggerFactory>(), ownsDatabase: false));
        services.AddSingleton<IReviewStore>(sp => sp.GetRequiredService<PostgreSqlReviewStore>());
        services.AddSingleton<IReviewAccessLog>(sp => sp.GetRequiredService<PostgreSqlReviewStore>());
        services.AddSingleton(sp => new PostgreSqlFeedbackStore(sp.GetRequiredService<PostgreSqlDatabase>(), ownsDatabase: false));
        services.AddSingleton<IFeedbackStore>(sp => sp.GetRequiredService<PostgreSqlFeedbackStore>());
        services.TryAddEnumerable(DurableReviewStoreKeyValidator.Descriptor(nameof(UsePostgreSqlStore)));
    }
}
