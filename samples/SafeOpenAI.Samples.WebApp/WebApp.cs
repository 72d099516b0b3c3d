using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SafeOpenAI.Samples.WebApp.Accounts;
using SafeOpenAI.Samples.WebApp.Chat;
using SafeOpenAI.Samples.WebApp.Hosting;
using SafeOpenAI.PostgreSql;
using SafeOpenAI.Redis;
using SafeOpenAI.Samples.WebApp.Visitors;
using SafeOpenAI.Sqlite;

namespace SafeOpenAI.Samples.WebApp;

/// <summary>
/// Builds the web sample: Razor Pages with cookie sign-in against a small user store, a chat page
/// over <see cref="SafeChatClient"/>, and review pages over <see cref="IHumanReviewQueue"/> and
/// <see cref="FeedbackInbox"/>; SQLite files (one instance) or one PostgreSQL database (several
/// instances) for the audit trail, the review queue and feedback; budgets in this process or in a
/// shared Redis; Kestrel on the loopback interface only. <c>Program.cs</c> runs it; the browser tests start it in their own
/// process on <c>http://127.0.0.1:0</c>.
/// </summary>
public static partial class WebApp
{
    /// <summary>The audit trail's file in the data folder: <c>audit.db</c>.</summary>
    public const string AuditFileName = "audit.db";

    /// <summary>The review queue's and feedback reports' file in the data folder: <c>review.db</c>.</summary>
    public const string ReviewFileName = "review.db";

    /// <summary>The connection string's name when <see cref="WebAppOptions.Store"/> is <see cref="WebAppStore.PostgreSql"/>: <c>ConnectionStrings:SafeOpenAI</c>.</summary>
    public const string ConnectionStringName = "SafeOpenAI";

    /// <summary>
    /// Builds the app. Without <c>OPENAI_API_KEY</c> (or with <c>WebApp:Offline=true</c>) it first
    /// starts the embedded local OpenAI-compatible endpoint and points SafeOpenAI at it; disposing
    /// the app stops that endpoint. In Development, missing keys are generated once per data folder
    /// (<see cref="DevelopmentKeys"/>); elsewhere the host fails at start naming each missing key.
    /// </summary>
    /// <param name="args">Command-line arguments: <c>--urls</c>, <c>--environment</c>, <c>--contentRoot</c> and any <c>--Section:Key=value</c> setting.</param>
    /// <param name="configure">Runs right after the builder is created, before the app reads its settings: add configuration sources or logging here; or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels starting the local endpoint.</param>
    /// <returns>The app, not yet started.</returns>
    /// <exception cref="InvalidOperationException">A setting is invalid: a non-loopback listen address, a bad <c>WebApp</c> value, <c>WebApp:Store=PostgreSql</c> without <c>ConnectionStrings:SafeOpenAI</c>, a bad user or topic; the message names it.</exception>
    /// <exception cref="ArgumentException">The PostgreSQL connection string is malformed or names no host.</exception>
    /// <exception cref="IOException">The data folder or the development key file cannot be created.</exception>
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // Razor Pages are found in the application's assembly; name it, since a test host's entry assembly is not this one.
            ApplicationName = typeof(WebApp).Assembly.GetName().Name,
        });
        configure?.Invoke(builder);
        builder.Configuration.AddJsonFile("topics.json", optional: false, reloadOnChange: false);
        builder.WebHost.UseUrls([.. LoopbackUrls.Resolve(builder.Configuration[WebHostDefaults.ServerUrlsKey])]);

        var options = builder.Configuration.GetSection(WebAppOptions.SectionName).Get<WebAppOptions>() ?? new WebAppOptions();
        options.Validate();
        var postgreSql = options.Store == WebAppStore.PostgreSql ? PostgreSqlConnectionString(builder.Configuration) : null;
        var dataDirectory = CreatePrivateDirectory(Path.GetFullPath(options.DataDirectory, builder.Environment.ContentRootPath));
        var keysDirectory = options.KeysDirectory is null
            ? dataDirectory
            : CreatePrivateDirectory(Path.GetFullPath(options.KeysDirectory, builder.Environment.ContentRootPath));

        var developmentKeys = builder.Environment.IsDevelopment() ? DevelopmentKeys.LoadOrCreate(keysDirectory) : null;

        AddAccounts(builder, keysDirectory);
        AddSafeOpenAI(builder, options, dataDirectory, postgreSql, developmentKeys);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new UserDirectory(builder.Configuration.GetSection(UserDirectory.SectionName).Get<List<UserAccount>>() ?? []));
        builder.Services.AddSingleton(new TopicCatalog(builder.Configuration.GetSection(TopicCatalog.SectionName).Get<List<ChatTopic>>() ?? []));
        builder.Services.AddSingleton(new ConversationStore(options.MaxConversations, options.MaxEntriesPerConversation));
        builder.Services.AddSingleton<ChatService>();

        var offline = options.Offline
            ?? (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OPENAI_API_KEY"))
                && string.IsNullOrWhiteSpace(builder.Configuration["SafeOpenAI:ApiKey"]));
        var connection = await ModelConnection.OpenAsync(offline, cancellationToken).ConfigureAwait(false);
        try
        {
            // A factory registration, so that the container owns the connection and stops the local endpoint on dispose.
            builder.Services.AddSingleton(_ => connection);
            if (connection.Local is { } local)
            {
                builder.Services.PostConfigure<SafeOpenAIOptions>(o =>
                {
                    o.Endpoint = local.BaseUri;
                    o.ApiKey = "offline-local-endpoint";
                });
            }

            var app = builder.Build();
            app.Services.GetRequiredService<ModelConnection>();
            Configure(app);
            if (connection.Local is { } endpoint)
            {
                Log.Offline(app.Logger, endpoint.BaseUri);
            }

            if (postgreSql is null)
            {
                Log.DataFolder(app.Logger, dataDirectory);
            }
            else
            {
                Log.PostgreSqlStore(app.Logger);
            }

            if (options.Redis is not null)
            {
                Log.RedisBudgets(app.Logger);
            }

            return app;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static void AddAccounts(WebApplicationBuilder builder, string keysDirectory)
    {
        var services = builder.Services;
        // Cookies and antiforgery tokens are protected by keys kept in the keys folder, so that a
        // restart does not sign everyone out, and every instance sharing the folder (and the
        // application name) reads the others' cookies.
        services.AddDataProtection()
            .SetApplicationName("SafeOpenAI.Samples.WebApp")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(keysDirectory, "data-protection-keys")));
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(cookie =>
            {
                cookie.LoginPath = "/Account/SignIn";
                cookie.LogoutPath = "/Account/SignOut";
                cookie.Cookie.Name = "safeopenai.auth";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
                cookie.SlidingExpiration = true;
                // A signed-in user without the role gets 403 and the status page, not a redirect.
                cookie.Events.OnRedirectToAccessDenied = static context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
            });
        var reviewerRole = builder.Configuration["SafeOpenAI:Review:ReviewerRole"] is { Length: > 0 } role ? role : new HumanReviewOptions().ReviewerRole;
        services.AddAuthorizationBuilder()
            .AddPolicy(WebAppPolicies.Reviewer, policy => policy.RequireAuthenticatedUser().RequireRole(reviewerRole));
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "safeopenai.antiforgery";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddRazorPages();
        services.AddHttpContextAccessor();
    }

    private static void AddSafeOpenAI(WebApplicationBuilder builder, WebAppOptions options, string dataDirectory, string? postgreSql, DevelopmentKeys? developmentKeys)
    {
        var services = builder.Services;
        // In place of the default ambient accessor: the user and session of the current request.
        services.RemoveAll<ISafetyIdentityAccessor>();
        services.AddSingleton<ISafetyIdentityAccessor, HttpContextSafetyIdentityAccessor>();

        // The input guards run in this order after the built-in length guard, as in the console
        // sample; the topic's reference passages are inlined and marked as data (spotlighting).
        var safeOpenAI = services.AddSafeOpenAI(builder.Configuration.GetSection(SafeOpenAIOptions.SectionName))
            .AddSecretsGuard()
            .AddPiiRedaction()
            // The topic passages are the app's own curated text (topics.json), not retrieved
            // content, so they are not scanned as untrusted documents: Document mode's low
            // threshold flags plain guidance such as "ask a pharmacist about the dose".
            // Scan sources that come from retrieval, the web or users.
            .AddPromptInjectionGuard(injection => injection.ScanSources = false)
            .AddSpotlighting(spotlighting => spotlighting.InlineSources = true)
            .AddCanaryTokens()
            // Health, money and legal questions: the answer waits for a person (review.risk_domain).
            .AddRiskDomainReview()
            .UseHumanReview();
        if (postgreSql is null)
        {
            safeOpenAI
                .UseSqliteAudit(ConnectionString(dataDirectory, AuditFileName))
                .UseSqliteHumanReview(ConnectionString(dataDirectory, ReviewFileName));
        }
        else
        {
            // One database for every instance: the audit trail, held answers, the access log and reports.
            safeOpenAI.UsePostgreSqlStore(postgreSql);
        }

        if (options.Redis is { } redis)
        {
            // Budgets and request rates counted once for all instances, not per process.
            safeOpenAI.UseRedisBudgets(o => o.Configuration = redis);
        }

        if (developmentKeys is not null)
        {
            services.PostConfigure<SafeOpenAIOptions>(o =>
            {
                // Development only: production sets both from a secret store.
                if (string.IsNullOrEmpty(o.Identity.HashKey))
                {
                    o.Identity.HashKey = developmentKeys.IdentityHashKey;
                }

                if (string.IsNullOrEmpty(o.Review.MaterialKey))
                {
                    o.Review.MaterialKey = developmentKeys.ReviewMaterialKey;
                }
            });
        }
    }

    private static void Configure(WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Status/500");
        }

        app.UseStatusCodePagesWithReExecute("/Status/{0}");
        app.UseSecurityHeaders();
        app.UseStaticFiles();
        app.UseVisitorSession();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapRazorPages();
    }

    private static string PostgreSqlConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } connectionString && !string.IsNullOrWhiteSpace(connectionString)
            ? connectionString
            : throw new InvalidOperationException(
                $"WebApp:Store is PostgreSql, but ConnectionStrings:{ConnectionStringName} is not set: give the Npgsql connection string of the shared database (for example the environment variable ConnectionStrings__{ConnectionStringName}).");

    private static string CreatePrivateDirectory(string path)
    {
        // Owner-only where the platform has Unix modes: the folder may hold keys.
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    private static string ConnectionString(string dataDirectory, string fileName) =>
        new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, fileName) }.ToString();

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information,
            Message = "offline: OPENAI_API_KEY is not set (or WebApp:Offline is true), so calls go to the embedded local OpenAI-compatible endpoint at {Endpoint} (a deterministic echo model and a keyword moderation stand-in: neither is a real model or classifier).")]
        public static partial void Offline(ILogger logger, Uri endpoint);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "data: SQLite audit trail, review queue and feedback reports in {DataDirectory}")]
        public static partial void DataFolder(ILogger logger, string dataDirectory);

        [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "data: audit trail, review queue and feedback reports in the PostgreSQL database of ConnectionStrings:SafeOpenAI, shared with every instance")]
        public static partial void PostgreSqlStore(ILogger logger);

        [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "budgets: counted in the Redis of WebApp:Redis, shared with every instance")]
        public static partial void RedisBudgets(ILogger logger);
    }
}
