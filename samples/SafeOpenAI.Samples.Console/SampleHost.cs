using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SafeOpenAI.Sqlite;

namespace SafeOpenAI.Samples.Console;

/// <summary>
/// Builds the sample's host: <c>appsettings.json</c>, environment variables, and SafeOpenAI
/// registered with <c>AddSafeOpenAI</c>, its audit trail in one SQLite file.
/// </summary>
internal static class SampleHost
{
    /// <summary>
    /// Gets the SQLite audit file every host of the sample writes to: <c>SAFEOPENAI_AUDIT_DB</c>, or
    /// <c>safeopenai-audit.db</c> in the current directory.
    /// </summary>
    public static string AuditPath { get; } = Path.GetFullPath(
        Environment.GetEnvironmentVariable("SAFEOPENAI_AUDIT_DB") is { Length: > 0 } configured ? configured : "safeopenai-audit.db");

    public static IHost Build(Uri? localEndpoint, Action<SafeOpenAIOptions>? adjust = null, Action<ISafeOpenAIBuilder>? moreStages = null)
    {
        // The sample's own arguments are prompts, not configuration switches, so none are handed to the host.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });

        // The defenses are switched on in appsettings.json (SafeOpenAI:Defenses), so that
        // `safeopenai redteam` and `safeopenai check` see the pipeline this sample runs. They run in
        // this order after the built-in length guard: secrets and PII are removed before anything
        // else sees the text, detection runs on unmarked text, then the stages that mark untrusted
        // content and plant the canary.
        var safeOpenAI = builder.Services.AddSafeOpenAI(builder.Configuration.GetSection(SafeOpenAIOptions.SectionName))
            .UseSqliteAudit($"Data Source={AuditPath}");
        moreStages?.Invoke(safeOpenAI);
        builder.Services.PostConfigure<SafeOpenAIOptions>(options =>
        {
            if (localEndpoint is not null)
            {
                options.Endpoint = localEndpoint;
                options.ApiKey = "offline-local-endpoint";
            }

            if (string.IsNullOrEmpty(options.Identity.HashKey))
            {
                // Development only: production sets SafeOpenAI__Identity__HashKey from a secret store.
                options.Identity.AllowUnkeyedHashing = true;
            }

            adjust?.Invoke(options);
        });

        return builder.Build();
    }
}
