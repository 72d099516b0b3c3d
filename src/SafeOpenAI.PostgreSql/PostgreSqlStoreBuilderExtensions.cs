using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace SafeOpenAI.PostgreSql;

/// <summary>Registers the PostgreSQL audit sink, review queue store, access log and feedback store of an <see cref="ISafeOpenAIBuilder"/>.</summary>
public static partial class PostgreSqlStoreBuilderExtensions
{
    /// <summary>
    /// Keeps the audit trail, held answers, the reviewers' access log and feedback reports in the
    /// PostgreSQL database named by <paramref name="connectionString"/>, with the default
    /// <see cref="PostgreSqlStoreOptions"/>; see <see cref="UsePostgreSqlStore(ISafeOpenAIBuilder, Action{PostgreSqlStoreOptions})"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">The Npgsql connection string, for example <c>Host=db;Database=app;Username=app;Password=...</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is blank, malformed, or names no host.</exception>
    public static ISafeOpenAIBuilder UsePostgreSqlStore(this ISafeOpenAIBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UsePostgreSqlStore(o => o.ConnectionString = connectionString);
    }

    /// <summary>
    /// Keeps the audit trail, held answers, the reviewers' access log and feedback reports in one
    /// PostgreSQL database shared by every instance of the application, replacing the default audit
    /// sink and the in-memory review and feedback stores whether <c>UseHumanReview()</c> is called before
    /// or after. It registers stores only: the queue and the feedback inbox come from <c>UseHumanReview()</c>.
    /// </summary>
    /// <remarks>
    /// All stores share one Npgsql data source (connection pool), disposed with the container. The
    /// schema is created and migrated by the first operation (safe when several instances start at
    /// once). <c>SafeOpenAI:Review:MaterialKey</c> is required when human review is used, since every
    /// instance must decrypt what the others wrote.
    /// </remarks>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options; <see cref="PostgreSqlStoreOptions.ConnectionString"/> is required.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The connection string is blank, malformed, or names no host; or another option is out of range (the message names it).</exception>
    public static ISafeOpenAIBuilder UsePostgreSqlStore(this ISafeOpenAIBuilder builder, Action<PostgreSqlStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PostgreSqlStoreOptions();
        configure(options);
        var connectionString = PostgreSqlConnectionStrings.Validate(options.ConnectionString, nameof(configure));

        var services = builder.Services;
        services.RemoveAll<PostgreSqlDatabase>();
        services.AddSingleton(_ => new PostgreSqlDatabase(NpgsqlDataSource.Create(connectionString), [PostgreSqlAuditSchema.Part, PostgreSqlReviewSchema.Part]));
        AddAuditStore(services, options);
        AddReviewStores(services, options);
        return builder;
    }

    /// <summary>Registers the audit sink and the audit store; in <c>PostgreSqlStoreBuilderExtensions.Audit.cs</c>.</summary>
    static partial void AddAuditStore(IServiceCollection services, PostgreSqlStoreOptions options);

    /// <summary>Registers the review store, access log and feedback store; in <c>PostgreSqlStoreBuilderExtensions.Review.cs</c>.</summary>
    static partial void AddReviewStores(IServiceCollection services, PostgreSqlStoreOptions options);
}
