using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SafeOpenAI.PostgreSql;

/// <summary>The audit part of <c>UsePostgreSqlStore</c>.</summary>
public static partial class PostgreSqlStoreBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="PostgreSqlAuditSink"/> as the <see cref="IAuditSink"/> (replacing the default
    /// <see cref="LoggerAuditSink"/> or any other), <see cref="PostgreSqlAuditStore"/> for queries, and the store
    /// as the <see cref="IAuditRecordReader"/> unless one is registered already. Options are checked now and copied.
    /// </summary>
    static partial void AddAuditStore(IServiceCollection services, PostgreSqlStoreOptions options)
    {
        options.Audit.Validate("configure");
        var audit = options.Audit.Clone();
        services.RemoveAll<PostgreSqlAuditSink>();
        services.RemoveAll<PostgreSqlAuditStore>();
        services.AddSingleton(sp => new PostgreSqlAuditSink(sp.GetRequiredService<PostgreSqlDatabase>(), audit));
        services.AddSingleton(sp => new PostgreSqlAuditStore(sp.GetRequiredService<PostgreSqlDatabase>()));
        services.TryAddSingleton<IAuditRecordReader>(sp => sp.GetRequiredService<PostgreSqlAuditStore>());
        services.RemoveAll<IAuditSink>();
        services.AddSingleton<IAuditSink>(sp => sp.GetRequiredService<PostgreSqlAuditSink>());
    }
}
