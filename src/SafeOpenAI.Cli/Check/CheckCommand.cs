using System.Collections;
using System.CommandLine;
using System.Text;
using System.Text.Json;

namespace SafeOpenAI.Cli.Check;

/// <summary>
/// <c>safeopenai check [--config PATH] [--environment NAME] [--json] [--format table|markdown|json] [--output FILE] [--strict]</c>:
/// audits a configuration against the pre-production checklist of the safety guides (docs/pre-production-check.md) and prints
/// pass / warn / fail per item with the key to change, the JSON contract, or the "safety measures in force" document.
/// </summary>
/// <remarks>Exit codes: 0 nothing failed (and nothing warned with <c>--strict</c>); 1 otherwise; 2 bad arguments or an unreadable configuration.</remarks>
internal static class CheckCommand
{
    /// <summary>The formats <c>--format</c> accepts.</summary>
    public static readonly IReadOnlyList<string> Formats = ["table", "markdown", "json"];

    public static Command Create()
    {
        var config = new Option<string>("--config")
        {
            Description = "The configuration file to check; appsettings.<environment>.json beside it and SafeOpenAI__* environment variables are layered on top, as in an ASP.NET Core host.",
            DefaultValueFactory = _ => "appsettings.json",
        };
        var environment = new Option<string?>("--environment") { Description = "The environment name (Production, Staging...); default DOTNET_ENVIRONMENT, ASPNETCORE_ENVIRONMENT, else Production." };
        var json = new Option<bool>("--json") { Description = "Same as --format json." };
        var format = new Option<string?>("--format") { Description = "table (default), markdown (the \"safety measures in force\" document) or json." };
        var output = new Option<string?>("--output") { Description = "Write the table, document or JSON to this file instead of standard output; the summary line still goes to standard output." };
        var strict = new Option<bool>("--strict") { Description = "Exit 1 on warnings too." };
        var command = new Command("check", "Audit a configuration against the pre-production checklist of the safety guides.") { config, environment, json, format, output, strict };
        command.SetAction((parse, token) => RunAsync(
            new Arguments(parse.GetValue(config)!, parse.GetValue(environment), parse.GetValue(format), parse.GetValue(json), parse.GetValue(output), parse.GetValue(strict)),
            ProcessEnvironment(),
            TimeProvider.System,
            Console.Out,
            Console.Error,
            token));
        return command;
    }

    /// <summary>Runs the check and writes the result.</summary>
    /// <param name="arguments">The command-line arguments.</param>
    /// <param name="environment">The environment variables the configuration is layered with (<c>SafeOpenAI__*</c>, <c>DOTNET_ENVIRONMENT</c>).</param>
    /// <param name="time">The clock, for the check date and the red-team report's age.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error: argument and configuration errors.</param>
    /// <param name="cancellationToken">Cancels writing the output file.</param>
    /// <returns>0 nothing failed (and nothing warned with --strict), 1 otherwise, 2 for bad arguments or an unreadable configuration.</returns>
    public static async Task<int> RunAsync(Arguments arguments, IReadOnlyDictionary<string, string> environment, TimeProvider time, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var format = arguments.Format?.ToLowerInvariant() ?? (arguments.Json ? "json" : "table");
        if (!Formats.Contains(format))
        {
            await error.WriteLineAsync($"--format must be one of {string.Join(", ", Formats)} (was '{arguments.Format}').").ConfigureAwait(false);
            return 2;
        }

        if (arguments.Json && format != "json")
        {
            await error.WriteLineAsync($"--json and --format {format} contradict each other: give one.").ConfigureAwait(false);
            return 2;
        }

        CheckConfiguration configuration;
        try
        {
            configuration = CheckConfiguration.Load(arguments.Config, arguments.Environment, environment);
        }
        catch (CheckConfigurationException ex)
        {
            await error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 2;
        }

        var result = PreProductionChecklist.Evaluate(configuration, time.GetUtcNow());
        var toFile = arguments.Output is not null;
        var rendered = new StringWriter();
        var writer = toFile ? rendered : output;
        switch (format)
        {
            case "json":
                await writer.WriteLineAsync(JsonSerializer.Serialize(CheckJsonReport.From(result), CheckJsonContext.Default.CheckJsonReport)).ConfigureAwait(false);
                break;
            case "markdown":
                SafetyMeasuresDocumentWriter.Write(result, writer);
                break;
            default:
                var terminal = !toFile && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
                CheckTableWriter.Write(result, writer, ansi: terminal, width: terminal ? Console.WindowWidth : 160);
                break;
        }

        if (toFile)
        {
            try
            {
                await File.WriteAllTextAsync(arguments.Output!, rendered.ToString(), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"--output: cannot write {Path.GetFullPath(arguments.Output!)}: {ex.Message}").ConfigureAwait(false);
                return 2;
            }

            await output.WriteLineAsync($"{result.Summary} ({format} written to {Path.GetFullPath(arguments.Output!)})").ConfigureAwait(false);
        }

        return result.ExitCode(arguments.Strict);
    }

    private static Dictionary<string, string> ProcessEnvironment()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            variables[(string)entry.Key] = entry.Value as string ?? string.Empty;
        }

        return variables;
    }

    /// <summary>The command-line arguments of one run.</summary>
    /// <param name="Config">The configuration file.</param>
    /// <param name="Environment">The environment name, or null for the process's.</param>
    /// <param name="Format">table, markdown or json; null for table (or json with <paramref name="Json"/>).</param>
    /// <param name="Json">--json.</param>
    /// <param name="Output">The file to write to, or null for standard output.</param>
    /// <param name="Strict">Whether warnings fail the run.</param>
    internal sealed record Arguments(string Config, string? Environment = null, string? Format = null, bool Json = false, string? Output = null, bool Strict = false);
}
