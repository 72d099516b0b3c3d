using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace SafeOpenAI.Sqlite;

/// <summary>Registers the SQLite review queue store, access log and feedback store of an <see cref="ISafeOpenAIBuilder"/>.</summary>
public static class SqliteHumanReviewBuilderExtensions
{
    /// <summary>
    /// Keeps held answers, the reviewers' access log and feedback reports in the SQLite file named by
    /// <paramref name="connectionString"/>, with the default <see cref="SqliteHumanReviewOptions"/>; see
    /// <see cref="UseSqliteHumanReview(ISafeOpenAIBuilder, Action{SqliteHumanReviewOptions})"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">The connection string, for example <c>Data Source=review.db</c>; may name the audit file.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is blank, malformed, or names no file or an in-memory database.</exception>
    public static ISafeOpenAIBuilder UseSqliteHumanReview(this ISafeOpenAIBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseSqliteHumanReview(o => o.ConnectionString = connectionString);
    }

    /// <summary>
    /// Keeps held answers, the reviewers' access log and feedback reports in a SQLite file shared by every
    /// process of the application: registers one <see cref="SqliteReviewStore"/> as <see cref="IReviewStore"/>
    /// and <see cref="IReviewAccessLog"/>, and a <see cref="SqliteFeedbackStore"/> as <see cref="IFeedbackStore"/>,
    /// replacing the in-memory stores whether <c>UseHumanReview()</c> is called before or after. It registers
    /// stores only: the queue and the feedback inbox come from <c>UseHumanReview()</c>.
    /// </summary>
    /// <remarks>
    /// <c>SafeOpenAI:Review:MaterialKey</c> is required (every process must decrypt what the others
    /// wrote): without it the host fails at start with an <see cref="OptionsValidationException"/> naming
    /// the key. The file is created and migrated by the first operation.
    /// </remarks>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options; <see cref="SqliteHumanReviewOptions.ConnectionString"/> is required.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The connection string is blank, malformed, or names no file or an in-memory database.</exception>
    public static ISafeOpenAIBuilder UseSqliteHumanReview(this ISafeOpenAIBuilder builder, Action<SqliteHumanReviewOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new SqliteHumanReviewOptions();
        configure(options);

        // Created here, so a bad connection string fails at registration; the stores hold no resources
        // until their first operation opens (and migrates) the file.
        var reviews = new SqliteReviewStore(options);
        var feedback = new SqliteFeedbackStore(options);
        var services = builder.Services;
        services.RemoveAll<SqliteReviewStore>();
        services.RemoveAll<SqliteFeedbackStore>();
        services.RemoveAll<IReviewStore>();
        services.RemoveAll<IReviewAccessLog>();
        services.RemoveAll<IFeedbackStore>();
        services.AddSingleton(reviews);
        services.AddSingleton<IReviewStore>(reviews);
        services.AddSingleton<IReviewAccessLog>(reviews);
        services.AddSingleton(feedback);
        services.AddSingleton<IFeedbackStore>(feedback);
        services.TryAddEnumerable(DurableReviewStoreKeyValidator.Descriptor(nameof(UseSqliteHumanReview)));
        return builder;
    }
}
