using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using SampleApp = SafeOpenAI.Samples.WebApp.WebApp;

namespace SafeOpenAI.WebApp.Tests;

/// <summary>
/// The web sample running for real in the test process: Kestrel on 127.0.0.1 with a free port, a
/// fresh temporary data folder (SQLite files, generated development keys), the embedded local
/// OpenAI-compatible endpoint, and the sample's own content root (its appsettings, topics and CSS).
/// </summary>
public sealed class RunningWebApp : IAsyncDisposable
{
    private RunningWebApp(WebApplication app, Uri address, string dataDirectory)
    {
        App = app;
        Address = address;
        DataDirectory = dataDirectory;
    }

    /// <summary>Gets the running app.</summary>
    public WebApplication App { get; }

    /// <summary>Gets the address Kestrel bound, read from <see cref="IServerAddressesFeature"/> after start.</summary>
    public Uri Address { get; }

    /// <summary>Gets the temporary data folder, deleted on dispose.</summary>
    public string DataDirectory { get; }

    /// <summary>Gets the sample's project folder, which is its content root as under <c>dotnet run</c>.</summary>
    public static string SampleDirectory { get; } = FindSampleDirectory();

    /// <summary>Builds the arguments the tests start the app with.</summary>
    /// <param name="dataDirectory">The data folder.</param>
    /// <param name="environment">The hosting environment.</param>
    /// <param name="extra">More <c>--key=value</c> arguments.</param>
    /// <returns>The arguments.</returns>
    public static string[] Arguments(string dataDirectory, string environment = "Development", params string[] extra) =>
    [
        "--urls", "http://127.0.0.1:0",
        "--environment", environment,
        "--contentRoot", SampleDirectory,
        $"--WebApp:DataDirectory={dataDirectory}",
        "--WebApp:Offline=true",
        // Short, so that a test waiting on a held answer gets its empty answer soon.
        "--WebApp:DecisionWaitSeconds=5",
        "--Logging:LogLevel:Default=Warning",
        .. extra,
    ];

    /// <summary>Starts the app in Development with its own temporary data folder.</summary>
    /// <param name="extra">More <c>--Section:Key=value</c> settings, for example the store and the shared keys folder of a second instance.</param>
    /// <returns>The running app.</returns>
    public static async Task<RunningWebApp> StartAsync(params string[] extra)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("safeopenai-webapp-").FullName;
        WebApplication? app = null;
        try
        {
            app = await SampleApp.BuildAsync(Arguments(dataDirectory, "Development", extra));
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.Single()
                ?? throw new InvalidOperationException("Kestrel reported no address.");
            return new RunningWebApp(app, new Uri(address), dataDirectory);
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            Directory.Delete(dataDirectory, recursive: true);
            throw;
        }
    }

    /// <summary>Stops the app and deletes its data folder.</summary>
    /// <returns>A task that completes when both are done.</returns>
    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Directory.Delete(DataDirectory, recursive: true);
    }

    private static string FindSampleDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SafeOpenAI.sln")))
            {
                return Path.Combine(directory.FullName, "samples", "SafeOpenAI.Samples.WebApp");
            }
        }

        throw new InvalidOperationException($"No SafeOpenAI.sln above {AppContext.BaseDirectory}: the tests run the sample from its project folder.");
    }
}
