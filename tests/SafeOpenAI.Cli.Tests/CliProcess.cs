using System.Diagnostics;

namespace SafeOpenAI.Cli.Tests;

/// <summary>Runs the built <c>safeopenai</c> tool as a process, as a user would.</summary>
internal static class CliProcess
{
    public static (int Exit, string Stdout, string Stderr) Run(string arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var tool = Path.Combine(TestContext.CurrentContext.TestDirectory, "SafeOpenAI.Cli.dll");
        var start = new ProcessStartInfo("dotnet", $"\"{tool}\" {arguments}") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.That(process.WaitForExit(TimeSpan.FromMinutes(2)), Is.True, "the tool did not finish");
        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }
}
