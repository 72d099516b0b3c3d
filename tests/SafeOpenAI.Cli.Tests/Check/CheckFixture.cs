using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using SafeOpenAI.Cli.Check;
using SafeOpenAI.Cli.RedTeam;

namespace SafeOpenAI.Cli.Tests.Check;

/// <summary>
/// A folder holding docs/examples/appsettings.checked.json (optionally edited) and a red-team report written by the real
/// JSON report writer, the secrets supplied as environment variables, and a way to run <c>safeopenai check</c> in-process.
/// </summary>
internal sealed class CheckFixture : IDisposable
{
    public const string ApiKey = "sk-proj-CHECKSECRETAPIKEY0123456789abcdef";
    public const string HashKey = "hashkey-SECRET-0123456789-abcdefghijklmnop";
    public static readonly string MaterialKey = Convert.ToBase64String(Enumerable.Range(7, 32).Select(i => (byte)i).ToArray());

    /// <summary>When the recorded red-team run finished.</summary>
    public static readonly DateTimeOffset RunFinished = new(2026, 5, 1, 9, 30, 0, TimeSpan.Zero);

    private (DateTimeOffset Finished, int NotRun, (string Category, int Attacks, int Succeeded)[] Categories)? _lastReport;

    public CheckFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("safeopenai-check-").FullName;
        ConfigPath = Path.Combine(Directory, "appsettings.json");
        Time = new FakeTimeProvider(RunFinished.AddDays(3));
        WriteConfig(_ => { });
        WriteReport(("direct_injection", 40, 1), ("jailbreak", 30, 0), ("pii_exfiltration", 20, 0));
    }

    public string Directory { get; }

    public string ConfigPath { get; }

    public FakeTimeProvider Time { get; }

    /// <summary>The secrets, as the production environment supplies them.</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal)
    {
        ["SafeOpenAI__ApiKey"] = ApiKey,
        ["SafeOpenAI__Identity__HashKey"] = HashKey,
        ["SafeOpenAI__Review__MaterialKey"] = MaterialKey,
    };

    /// <summary>The fingerprint a red-team run of the configuration as written records.</summary>
    public string CurrentFingerprint() =>
        ConfigurationFingerprint.Compute(CheckConfiguration.Load(ConfigPath, "Production", Environment).SafeOpenAI);

    /// <summary>The sample configuration shipped in docs/examples.</summary>
    public static string SamplePath()
    {
        var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SafeOpenAI.sln")))
        {
            directory = directory.Parent;
        }

        Assert.That(directory, Is.Not.Null, "the repository root (SafeOpenAI.sln) is above the test directory");
        return Path.Combine(directory!.FullName, "docs", "examples", "appsettings.checked.json");
    }

    /// <summary>
    /// Writes the sample configuration after <paramref name="edit"/> changed its <c>SafeOpenAI</c> object and,
    /// unless <paramref name="redTeamAgain"/> is false, records the red-team run again against it (same results).
    /// </summary>
    public void WriteConfig(Action<JsonObject> edit, string? path = null, bool redTeamAgain = true)
    {
        var root = JsonNode.Parse(File.ReadAllText(SamplePath()))!.AsObject();
        edit(root["SafeOpenAI"]!.AsObject());
        File.WriteAllText(path ?? ConfigPath, root.ToJsonString());
        if (redTeamAgain && path is null && _lastReport is { } last)
        {
            WriteReport(last.Finished, last.NotRun, last.Categories);
        }
    }

    /// <summary>Writes redteam.json: per category (name, attacks, succeeded), finished at <paramref name="finished"/> (default <see cref="RunFinished"/>).</summary>
    public void WriteReport(params (string Category, int Attacks, int Succeeded)[] categories) => WriteReport(RunFinished, categories);

    public void WriteReport(DateTimeOffset finished, params (string Category, int Attacks, int Succeeded)[] categories) =>
        WriteReport(finished, notRun: 0, categories);

    /// <summary>Writes redteam.json of a run whose request budget left <paramref name="notRun"/> cases out.</summary>
    public void WriteReport(DateTimeOffset finished, int notRun, params (string Category, int Attacks, int Succeeded)[] categories)
    {
        _lastReport = (finished, notRun, categories);
        var attacks = new List<AttackResult>();
        foreach (var (category, count, succeeded) in categories)
        {
            for (var i = 0; i < count; i++)
            {
                var success = i < succeeded;
                attacks.Add(new AttackResult($"{category}-{i:000}", category, success ? null : "PromptInjection:injection.detected", success, success, success ? "canary leaked" : "blocked"));
            }
        }

        var report = new RedTeamReport(
            new RedTeamRunInfo("builtin", 7, "gpt-4o-mini", RedTeamEndpointKind.Offline, finished.AddMinutes(-4), finished, notRun, CurrentFingerprint()),
            attacks,
            [new BenignResult("benign-001", false, null), new BenignResult("benign-002", false, null)]);
        using var writer = new StreamWriter(Path.Combine(Directory, "redteam.json"));
        new JsonRedTeamReportWriter().Write(report, writer);
    }

    public async Task<(int Exit, string Stdout, string Stderr)> RunAsync(CheckCommand.Arguments arguments)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CheckCommand.RunAsync(arguments, Environment, Time, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    public Task<(int Exit, string Stdout, string Stderr)> RunAsync(string format = "json", bool strict = false) =>
        RunAsync(new CheckCommand.Arguments(ConfigPath, Format: format, Strict: strict));

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
