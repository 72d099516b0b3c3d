using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Moderations;
using SafeOpenAI.Testing;
using System.ClientModel;

namespace SafeOpenAI.Cli.RedTeam;

/// <summary>
/// The pipeline a red-team run attacks, built exactly as the application builds it:
/// <c>services.AddSafeOpenAI(configuration.GetSection("SafeOpenAI"))</c> over the application's
/// configuration (the file, <c>appsettings.&lt;environment&gt;.json</c> beside it, and
/// <c>SafeOpenAI__*</c> environment variables). Nothing else is registered, so a run never writes to
/// the application's production stores: audit goes to a null logger, budgets and suspensions stay in
/// memory. Offline, the model is the local endpoint with <see cref="CompliantModel"/>; online, OpenAI
/// with the configured model.
/// </summary>
internal sealed class RedTeamTarget : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private readonly ApiKeyCredential _credential;
    private readonly OpenAIClientOptions _clientOptions;

    private RedTeamTarget(ServiceProvider services, LocalOpenAIEndpoint? endpoint, ApiKeyCredential credential, OpenAIClientOptions clientOptions, string moderationModel, string model, string fingerprint, IReadOnlyList<string> notes)
    {
        _services = services;
        _credential = credential;
        _clientOptions = clientOptions;
        var moderation = new ModerationClient(moderationModel, credential, clientOptions);
        Endpoint = endpoint;
        Moderation = moderation;
        Model = model;
        Fingerprint = fingerprint;
        Notes = notes;
        Client = services.GetRequiredService<SafeChatClient>();
        Hasher = services.GetRequiredService<SafetyHasher>();
        MaxReasks = services.GetRequiredService<IOptions<SafeOpenAIOptions>>().Value.MaxReasks;
    }

    /// <summary>Gets the client of the pipeline under test.</summary>
    public SafeChatClient Client { get; }

    /// <summary>Gets the pipeline's hasher, which computes the safety identifier each case's user gets.</summary>
    public SafetyHasher Hasher { get; }

    /// <summary>Gets the local endpoint of an offline run; <see langword="null"/> online.</summary>
    public LocalOpenAIEndpoint? Endpoint { get; }

    /// <summary>Gets the runner's own moderation client (judging answers), to the same endpoint as the pipeline.</summary>
    public ModerationClient Moderation { get; }

    /// <summary>Gets the configured model name.</summary>
    public string Model { get; }

    /// <summary>Gets the <see cref="ConfigurationFingerprint"/> of the configuration the pipeline was built from.</summary>
    public string Fingerprint { get; }

    /// <summary>Gets the endpoint kind of the run.</summary>
    public RedTeamEndpointKind Kind => Endpoint is null ? RedTeamEndpointKind.Online : RedTeamEndpointKind.Offline;

    /// <summary>Gets the configured number of re-asks of a rejected answer (each one a model request).</summary>
    public int MaxReasks { get; }

    /// <summary>Gets what the run changed in the configuration, for the console (for example unkeyed hashing).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Reads the configuration as the application would.</summary>
    /// <param name="options">Where the configuration comes from.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="FileNotFoundException">An explicitly given configuration file does not exist.</exception>
    /// <exception cref="InvalidDataException">A configuration file is not valid JSON.</exception>
    public static IConfigurationRoot LoadConfiguration(RedTeamTargetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = options.ConfigPath is null ? Path.GetFullPath("appsettings.json") : Path.GetFullPath(options.ConfigPath);
        if (options.ConfigPath is not null && !File.Exists(path))
        {
            throw new FileNotFoundException($"The configuration file {path} does not exist.", path);
        }

        var environment = options.Environment
            ?? System.Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
            ?? System.Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT");
        var builder = new ConfigurationBuilder();
        if (File.Exists(path))
        {
            builder.AddJsonFile(path, optional: false, reloadOnChange: false);
            if (!string.IsNullOrWhiteSpace(environment))
            {
                var layered = Path.Combine(Path.GetDirectoryName(path)!, $"{Path.GetFileNameWithoutExtension(path)}.{environment}.json");
                builder.AddJsonFile(layered, optional: true, reloadOnChange: false);
            }
        }

        builder.AddEnvironmentVariables();
        try
        {
            return builder.Build();
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException($"The configuration file {path} is not valid: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Builds the target: reads the configuration, starts the local endpoint when offline, registers the
    /// pipeline and validates its options.
    /// </summary>
    /// <param name="options">Where the configuration comes from and where requests go.</param>
    /// <param name="cancellationToken">Cancels the start of the local endpoint.</param>
    /// <returns>The target; dispose it to stop the endpoint.</returns>
    /// <exception cref="OptionsValidationException">The configuration is invalid (the message names the keys).</exception>
    public static async Task<RedTeamTarget> CreateAsync(RedTeamTargetOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configuration = LoadConfiguration(options);
        var section = configuration.GetSection(SafeOpenAIOptions.SectionName);
        var endpoint = string.IsNullOrWhiteSpace(options.ApiKey) || options.Offline
            ? await LocalOpenAIEndpoint.StartAsync(new LocalOpenAIEndpointOptions { RecordRequests = false }, cancellationToken).ConfigureAwait(false)
            : null;
        try
        {
            var notes = new List<string>();
            var services = new ServiceCollection();
            services.AddSafeOpenAI(section);
            var unkeyed = string.IsNullOrWhiteSpace(section["Identity:HashKey"]);
            var gated = section.GetValue<bool>("Access:LimitedRelease:Enabled");
            services.PostConfigure<SafeOpenAIOptions>(o =>
            {
                if (endpoint is not null)
                {
                    o.Endpoint = endpoint.BaseUri;
                    o.ApiKey = "sk-redteam-offline";
                }
                else
                {
                    o.ApiKey ??= options.ApiKey;
                }

                // The limited-release gate decides who may use a deployment, not what an admitted user can
                // make it do: with it on, most red-team users would be refused at the door and the run
                // would measure the gate instead of the defenses.
                o.Access.LimitedRelease.Enabled = false;

                if (string.IsNullOrEmpty(o.Identity.HashKey))
                {
                    // A red-team run needs no stable identifiers across runs; the app's own key is used when configured.
                    o.Identity.AllowUnkeyedHashing = true;
                }
            });
            if (gated)
            {
                notes.Add("SafeOpenAI:Access:LimitedRelease is on: this run admits every red-team user, so that it measures the defenses rather than the gate.");
            }

            if (unkeyed)
            {
                notes.Add("SafeOpenAI:Identity:HashKey is not set: this run hashes user ids unkeyed (AllowUnkeyedHashing), as a development setup would.");
            }

            var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
            try
            {
                var resolved = provider.GetRequiredService<IOptions<SafeOpenAIOptions>>().Value;
                var clientOptions = endpoint is not null ? endpoint.CreateClientOptions() : resolved.Endpoint is { } uri ? new OpenAIClientOptions { Endpoint = uri } : new OpenAIClientOptions();
                var credential = new ApiKeyCredential(resolved.ApiKey ?? options.ApiKey ?? "sk-redteam-offline");
                return new RedTeamTarget(provider, endpoint, credential, clientOptions, resolved.Moderation.Model, resolved.Model, ConfigurationFingerprint.Compute(section), notes);
            }
            catch
            {
                await provider.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch
        {
            if (endpoint is not null)
            {
                await endpoint.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Creates a chat client for the judge model, with the key and endpoint the pipeline uses.</summary>
    /// <param name="model">The judge model's name.</param>
    /// <returns>The client; it bypasses the pipeline (it grades answers, it is not under attack).</returns>
    public ChatClient CreateJudgeClient(string model) => new(model, _credential, _clientOptions);

    /// <summary>Stops the local endpoint and disposes the pipeline's services.</summary>
    /// <returns>A task that completes when everything is stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync().ConfigureAwait(false);
        if (Endpoint is not null)
        {
            await Endpoint.DisposeAsync().ConfigureAwait(false);
        }
    }
}
