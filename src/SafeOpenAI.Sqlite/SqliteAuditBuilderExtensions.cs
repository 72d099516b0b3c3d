using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SafeOpenAI.Sqlite;

/// <summary>Registers <see cref="SqliteAuditSink"/> as the audit sink of an <see cref="ISafeOpenAIBuilder"/>.</summary>
public static class SqliteAuditBuilderExtensions
{
    /// <summary>
    /// Stores every audit record in the SQLite file named by <paramref name="connectionString"/>
    /// with the default <see cref="SqliteAuditOptions"/>; see <see cref="UseSqliteAudit(ISafeOpenAIBuilder, Action{SqliteAuditOptions})"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">The connection string, for example <c>Data Source=audit.db</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is null or blank.</exception>
    public static ISafeOpenAIBuilder UseSqliteAudit(this ISafeOpenAIBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseSqliteAudit(o => o.ConnectionString = connectionString);
    }

    /// <summary>
    /// Stores every audit record in a SQLite file, replacing the default <see cref="LoggerAuditSink"/>.
    /// The sink is a singleton, created (and its file opened and migrated) when first resolved and
    /// disposed, with its queue flushed, when the service provider is disposed (host shutdown).
    /// A <see cref="SqliteAuditStore"/> over the same file is registered for queries, and as the
    /// <see cref="IAuditRecordReader"/> unless one is registered already (feedback triage reads the reported call's record through it).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options; <see cref="SqliteAuditOptions.ConnectionString"/> is required.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid (when the sink is first resolved).</exception>
    public static ISafeOpenAIBuilder UseSqliteAudit(this ISafeOpenAIBuilder builder, Action<SqliteAuditOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new SqliteAuditOptions();
        configure(options);
        var services = builder.Services;
        services.RemoveAll<SqliteAuditSink>();
        services.RemoveAll<SqliteAuditStore>();
        services.AddSingleton(_ => new SqliteAuditSink(options));
        services.AddSingleton(_ => new SqliteAuditStore(options.ConnectionString));
        services.TryAddSingleton<IAuditRecordReader>(sp => sp.GetRequiredService<SqliteAuditStore>());
        services.RemoveAll<IAuditSink>();
        services.AddSingleton<IAuditSink>(sp => sp.GetRequiredService<SqliteAuditSink>());
        return builder;
    }
}
