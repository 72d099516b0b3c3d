using System.Diagnostics;
using System.IO.Compression;

namespace SafeOpenAI.Package.Tests;

/// <summary>
/// Packs <c>SafeOpenAI</c> (and <c>SafeOpenAI.Redis</c>, <c>SafeOpenAI.Sqlite</c>, <c>SafeOpenAI.Extensions.AI</c>) with <c>dotnet pack</c> (from an isolated copy of the sources, so the
/// running build is untouched), then builds and runs a new console project that restores it from a
/// local folder feed and calls <c>AddSafeOpenAI</c>: what a user of the published package gets.
/// </summary>
[NonParallelizable]
public class PackageConsumerTests
{
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromMinutes(8);
    private string _work = null!;
    private string _feed = null!;
    private string _version = null!;

    [OneTimeSetUp]
    public void PackIntoALocalFeed()
    {
        var root = FindRepositoryRoot();
        _work = Directory.CreateTempSubdirectory("safeopenai-package-").FullName;
        _feed = Path.Combine(_work, "feed");
        _version = $"0.1.0-packagetest.{DateTime.UtcNow:yyyyMMddHHmmss}";
        var sources = Path.Combine(_work, "sources");
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", ".editorconfig", "src/Directory.Build.props" })
        {
            CopyFile(Path.Combine(root, file), Path.Combine(sources, file));
        }

        CopyProject(Path.Combine(root, "src", "SafeOpenAI"), Path.Combine(sources, "src", "SafeOpenAI"));
        Run("dotnet", $"pack src/SafeOpenAI/SafeOpenAI.csproj -c Release -o \"{_feed}\" -p:Version={_version}", sources);
        CopyProject(Path.Combine(root, "src", "SafeOpenAI.Redis"), Path.Combine(sources, "src", "SafeOpenAI.Redis"));
        Run("dotnet", $"pack src/SafeOpenAI.Redis/SafeOpenAI.Redis.csproj -c Release -o \"{_feed}\" -p:Version={_version}", sources);
        CopyProject(Path.Combine(root, "src", "SafeOpenAI.Sqlite"), Path.Combine(sources, "src", "SafeOpenAI.Sqlite"));
        Run("dotnet", $"pack src/SafeOpenAI.Sqlite/SafeOpenAI.Sqlite.csproj -c Release -o \"{_feed}\" -p:Version={_version}", sources);
        CopyProject(Path.Combine(root, "src", "SafeOpenAI.Extensions.AI"), Path.Combine(sources, "src", "SafeOpenAI.Extensions.AI"));
        Run("dotnet", $"pack src/SafeOpenAI.Extensions.AI/SafeOpenAI.Extensions.AI.csproj -c Release -o \"{_feed}\" -p:Version={_version}", sources);
    }

    [OneTimeTearDown]
    public void RemoveWorkFolder()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; the next run uses a new one.
        }
    }

    [TestCase("SafeOpenAI", "OpenAI")]
    [TestCase("SafeOpenAI.Redis", "StackExchange.Redis")]
    [TestCase("SafeOpenAI.Sqlite", "Microsoft.Data.Sqlite")]
    [TestCase("SafeOpenAI.Extensions.AI", "Microsoft.Extensions.AI")]
    public void A_package_carries_both_targets_documentation_the_readme_symbols_and_its_dependency(string id, string dependency)
    {
        var package = Path.Combine(_feed, $"{id}.{_version}.nupkg");
        Assert.That(File.Exists(Path.Combine(_feed, $"{id}.{_version}.snupkg")), Is.True, "symbols package");
        using var zip = ZipFile.OpenRead(package);
        var entries = zip.Entries.Select(e => e.FullName).ToArray();

        Assert.That(entries, Does.Contain($"lib/net8.0/{id}.dll").And.Contain($"lib/net10.0/{id}.dll"));
        Assert.That(entries, Does.Contain($"lib/net8.0/{id}.xml").And.Contain($"lib/net10.0/{id}.xml"));
        Assert.That(entries, Does.Contain("README.md"));
        using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var manifest = nuspec.ReadToEnd();
        Assert.That(manifest, Does.Contain("<license type=\"expression\">MIT</license>"));
        Assert.That(manifest, Does.Contain($"id=\"{dependency}\""));
        if (id != "SafeOpenAI")
        {
            Assert.That(manifest, Does.Contain($"id=\"SafeOpenAI\" version=\"{_version}\""));
        }
    }

    [Test]
    public void A_fresh_console_project_restores_the_package_and_resolves_SafeChatClient()
    {
        var consumer = Path.Combine(_work, "consumer");
        Directory.CreateDirectory(consumer);
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local-feed" value="{_feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="SafeOpenAI" Version="{_version}" />
                <PackageReference Include="Microsoft.Extensions.DependencyInjection" Version="10.0.13" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), """
            using Microsoft.Extensions.DependencyInjection;
            using SafeOpenAI;

            var services = new ServiceCollection();
            services.AddSafeOpenAI(options =>
            {
                options.ApiKey = "not-used-offline";
                options.Identity.HashKey = "package-consumer-hash-key-0123456789";
            });
            using var provider = services.BuildServiceProvider();
            var client = provider.GetRequiredService<SafeChatClient>();
            Console.WriteLine($"resolved {client.GetType().FullName}: {string.Join(" > ", client.SafetyPipeline.Stages.Select(s => s.Name))}");
            """);

        var output = Run("dotnet", "run -c Release", consumer);

        Assert.That(output, Does.Contain("resolved SafeOpenAI.SafeChatClient: InMemoryBudget > InputLength > OpenAIModeration > OpenAIModeration"));
    }

    private static string Run(string fileName, string arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // The test host's MSBuild variables would point the child build at the wrong SDK parts.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k == "MSBuildSDKsPath" || k == "MSBuildExtensionsPath").ToArray())
        {
            start.Environment.Remove(name);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(s_commandTimeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{fileName} {arguments}' did not finish within {s_commandTimeout}.");
        }

        var output = stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult();
        Assert.That(process.ExitCode, Is.Zero, $"'{fileName} {arguments}' failed:\n{output}");
        return output;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SafeOpenAI.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("SafeOpenAI.sln was not found above the test directory.");
    }

    private static void CopyProject(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal) || relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue;
            }

            CopyFile(file, Path.Combine(to, relative));
        }
    }

    private static void CopyFile(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Copy(from, to, overwrite: true);
    }
}
