using System.ClientModel;
using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Options;
using OpenAI.Chat;
using Spectre.Console;

namespace SafeOpenAI.Cli.RedTeam;

/// <summary>
/// <c>safeopenai redteam</c>: runs an attack suite against the pipeline the application's configuration
/// declares and reports the attack success rate per category beside the benign block rate. Exit codes:
/// 0 every category at or under <c>--max-asr</c>; 1 some category over it; 2 bad arguments, data or
/// configuration; 3 the run failed (endpoint down, key rejected, cancelled); 4 the request budget ran out.
/// </summary>
internal static class RedTeamCommand
{
    /// <summary>Exit code: every category at or under <c>--max-asr</c>.</summary>
    public const int Passed = 0;

    /// <summary>Exit code: some category's attack success rate is over <c>--max-asr</c>.</summary>
    public const int TooManySucceeded = 1;

    /// <summary>Exit code: bad arguments, suite data or configuration.</summary>
    public const int BadInput = 2;

    /// <summary>Exit code: the run itself failed or was cancelled.</summary>
    public const int RunFailed = 3;

    /// <summary>Exit code: the request budget ran out before every case ran.</summary>
    public const int BudgetExhausted = 4;

    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "The application's configuration file (default ./appsettings.json when present; else SafeOpenAI defaults). appsettings.<environment>.json beside it and SafeOpenAI__* environment variables are layered on top." };
        var environment = new Option<string?>("--environment") { Description = "The environment name of appsettings.<name>.json (default DOTNET_ENVIRONMENT)." };
        var data = new Option<string?>("--data") { Description = "An external suite, JSON Lines (attacks; benign lines with category \"benign\", else the built-in benign controls)." };
        var format = new Option<string>("--format") { Description = "The report format: table, markdown, html, json or junit.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong([.. RedTeamCommandArguments.Formats]);
        var output = new Option<string?>("--output") { Description = "Write the report to this file instead of standard output." };
        var maxAsr = new Option<double>("--max-asr") { Description = "The highest acceptable attack success rate per category, 0 to 1; over it the exit code is 1.", DefaultValueFactory = _ => 0.05 };
        var seed = new Option<int>("--seed") { Description = "The seed of the case order; offline runs with the same seed give the same results.", DefaultValueFactory = _ => 1 };
        var concurrency = new Option<int>("--concurrency") { Description = "How many cases run at once.", DefaultValueFactory = _ => 4 };
        var maxRequests = new Option<long?>("--max-requests") { Description = "The most chat-completion requests the run may cause (pipeline, moderation and judge calls of the runner); when the next case could exceed it no further case starts and the exit code is 4." };
        var offline = new Option<bool>("--offline") { Description = "Run against the local endpoint even when OPENAI_API_KEY is set." };
        var judgeModel = new Option<string?>("--judge-model") { Description = "An OpenAI model that grades answers (harmful, in scope) besides moderation and refusal phrases; online only." };
        var tokenAllowance = new Option<int>("--token-allowance") { Description = "The tokens an attack may spend (prompt + completion, every call) before a tokens_spent attack counts as succeeded.", DefaultValueFactory = _ => RedTeamRunOptions.DefaultTokenAllowance };
        var systemPrompt = new Option<string?>("--system-prompt") { Description = "A file with the assistant's instructions, replacing the built-in bank-support ones; the synthetic customer record, marker sentence and canary are still appended." };
        var category = new Option<string[]>("--category") { Description = "Run only these attack categories (repeat the option).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("redteam", "Run an attack suite against the configured SafeOpenAI pipeline and report the attack success rate per category.")
        {
            config, environment, data, format, output, maxAsr, seed, concurrency, maxRequests, offline, judgeModel, tokenAllowance, systemPrompt, category,
        };
        command.SetAction((parse, token) => RunAsync(
            new RedTeamCommandArguments
            {
                ConfigPath = parse.GetValue(config),
                Environment = parse.GetValue(environment),
                DataPath = parse.GetValue(data),
                Format = parse.GetValue(format)!,
                OutputPath = parse.GetValue(output),
                MaxAsr = parse.GetValue(maxAsr),
                Seed = parse.GetValue(seed),
                Concurrency = parse.GetValue(concurrency),
                MaxRequests = parse.GetValue(maxRequests),
                Offline = parse.GetValue(offline),
                JudgeModel = parse.GetValue(judgeModel),
                TokenAllowance = parse.GetValue(tokenAllowance),
                SystemPromptPath = parse.GetValue(systemPrompt),
                Categories = parse.GetValue(category) ?? [],
            },
            Console.Out,
            Console.Error,
            interactive: !Console.IsErrorRedirected,
            token));
        return command;
    }

    /// <summary>Runs the command.</summary>
    /// <param name="arguments">The parsed options.</param>
    /// <param name="stdout">Where the report goes without <c>--output</c>.</param>
    /// <param name="stderr">Where progress, notes and errors go.</param>
    /// <param name="interactive">Whether <paramref name="stderr"/> is a terminal (a live progress bar) or not (periodic lines).</param>
    /// <param name="cancellationToken">Ctrl+C: stops the run.</param>
    /// <returns>The exit code (see the class summary).</returns>
    public static async Task<int> RunAsync(
        RedTeamCommandArguments arguments,
        TextWriter stdout,
        TextWriter stderr,
        bool interactive,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var apiKey = arguments.Offline ? null : System.Environment.GetEnvironmentVariable("OPENAI_API_KEY");
        if (ArgumentProblem(arguments, apiKey) is { } problem)
        {
            await stderr.WriteLineAsync(problem).ConfigureAwait(false);
            return BadInput;
        }

        AttackSuite suite;
        RedTeamApplication application;
        try
        {
            suite = LoadSuite(arguments);
            application = new RedTeamApplication(arguments.SystemPromptPath is null ? null : await File.ReadAllTextAsync(arguments.SystemPromptPath, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is AttackSuiteFormatException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return BadInput;
        }

        RedTeamTarget target;
        try
        {
            target = await RedTeamTarget.CreateAsync(
                new RedTeamTargetOptions
                {
                    ConfigPath = arguments.ConfigPath,
                    Environment = arguments.Environment,
                    Offline = arguments.Offline,
                    ApiKey = apiKey,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidDataException or FileNotFoundException or InvalidOperationException)
        {
            await stderr.WriteLineAsync("The configuration is not valid: " + ex.Message).ConfigureAwait(false);
            return BadInput;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("The run was cancelled before it started.").ConfigureAwait(false);
            return RunFailed;
        }

        await using (target.ConfigureAwait(false))
        {
            await stderr.WriteLineAsync(target.Kind == RedTeamEndpointKind.Offline
                ? "Offline: the local endpoint with a model that obeys every attack (the worst case); no request leaves this machine."
                : $"Online: OpenAI, model {target.Model}; requests are billed to OPENAI_API_KEY.").ConfigureAwait(false);
            foreach (var note in target.Notes)
            {
                await stderr.WriteLineAsync(note).ConfigureAwait(false);
            }

            var runner = new RedTeamRunner(target, application, new RedTeamRunOptions
            {
                SuiteName = arguments.DataPath is null ? "builtin" : Path.GetFileName(arguments.DataPath),
                Seed = arguments.Seed,
                Concurrency = arguments.Concurrency,
                MaxRequests = arguments.MaxRequests,
                TokenAllowance = arguments.TokenAllowance,
                Judge = arguments.JudgeModel is null ? null : new OpenAIRedTeamJudgeModel(target.CreateJudgeClient(arguments.JudgeModel)),
            }, TimeProvider.System);

            RedTeamRunOutcome outcome;
            try
            {
                outcome = await RunWithProgressAsync(runner, suite, stderr, interactive, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await stderr.WriteLineAsync("The run was cancelled; no report was written.").ConfigureAwait(false);
                return RunFailed;
            }
            catch (Exception ex) when (ex is ClientResultException or HttpRequestException or InvalidDataException or RedTeamRunException)
            {
                await stderr.WriteLineAsync($"The run failed (not an attack result): {ex.Message}").ConfigureAwait(false);
                return RunFailed;
            }

            return await ReportAsync(arguments, outcome, stdout, stderr, interactive, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<int> ReportAsync(RedTeamCommandArguments arguments, RedTeamRunOutcome outcome, TextWriter stdout, TextWriter stderr, bool interactive, CancellationToken cancellationToken)
    {
        await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{outcome.Requests} requests counted against the budget (model calls and re-asks of the pipeline, the runner's moderation and judge calls).")).ConfigureAwait(false);
        if (outcome.Report is { } report)
        {
            IRedTeamReportWriter writer = arguments.Format switch
            {
                "markdown" => new MarkdownRedTeamReportWriter(),
                "html" => new HtmlRedTeamReportWriter(),
                "json" => new JsonRedTeamReportWriter(),
                "junit" => new JUnitRedTeamReportWriter(),
                _ => new TableRedTeamReportWriter(ansi: arguments.OutputPath is null && interactive && !Console.IsOutputRedirected),
            };
            if (arguments.OutputPath is { } path)
            {
                var file = new StreamWriter(path, append: false);
                await using (file.ConfigureAwait(false))
                {
                    writer.Write(report, file);
                }

                await stderr.WriteLineAsync($"Report written to {Path.GetFullPath(path)}.").ConfigureAwait(false);
            }
            else
            {
                writer.Write(report, stdout);
                await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (outcome.NotRun > 0)
        {
            await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"The request budget (--max-requests {arguments.MaxRequests}) ran out: {outcome.NotRun} case(s) did not run; the report covers the {(outcome.Report?.TotalAttacks ?? 0) + (outcome.Report?.BenignPrompts ?? 0)} that did.")).ConfigureAwait(false);
            return BudgetExhausted;
        }

        var failing = outcome.Report!.ExceedsMaxAsr(arguments.MaxAsr);
        foreach (var category in failing)
        {
            await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Category {category.Name}: attack success rate {category.AttackSuccessRate:P1} ({category.Succeeded}/{category.Attacks}) is over --max-asr {arguments.MaxAsr:P1}.")).ConfigureAwait(false);
        }

        return failing.Count > 0 ? TooManySucceeded : Passed;
    }

    private static async Task<RedTeamRunOutcome> RunWithProgressAsync(RedTeamRunner runner, AttackSuite suite, TextWriter stderr, bool interactive, CancellationToken cancellationToken)
    {
        if (interactive)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stderr) });
            if (console.Profile.Capabilities.Interactive)
            {
                RedTeamRunOutcome? outcome = null;
                await console.Progress().AutoClear(false).StartAsync(async context =>
                {
                    var task = context.AddTask("red team", maxValue: suite.Attacks.Count + suite.Benign.Count);
                    var progress = new SynchronousProgress(p =>
                    {
                        task.Value = p.Completed;
                        task.Description = string.Create(CultureInfo.InvariantCulture, $"red team: {p.Succeeded} attacks succeeded, {p.BenignBlocked} benign blocked");
                    });
                    outcome = await runner.RunAsync(suite, progress, cancellationToken).ConfigureAwait(false);
                }).ConfigureAwait(false);
                return outcome!;
            }
        }

        var total = suite.Attacks.Count + suite.Benign.Count;
        var step = Math.Max(1, total / 10);
        var lines = new SynchronousProgress(p =>
        {
            if (p.Completed % step == 0 || p.Completed == p.Total)
            {
                lock (stderr)
                {
                    stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"[{p.Completed}/{p.Total}] {p.Succeeded} attacks succeeded, {p.BenignBlocked} benign prompts blocked"));
                }
            }
        });
        return await runner.RunAsync(suite, lines, cancellationToken).ConfigureAwait(false);
    }

    private static string? ArgumentProblem(RedTeamCommandArguments arguments, string? apiKey)
    {
        if (!RedTeamCommandArguments.Formats.Contains(arguments.Format))
        {
            return $"--format must be one of {string.Join(", ", RedTeamCommandArguments.Formats)}.";
        }

        if (double.IsNaN(arguments.MaxAsr) || arguments.MaxAsr is < 0 or > 1)
        {
            return "--max-asr must be a number from 0 to 1.";
        }

        if (arguments.Concurrency < 1)
        {
            return "--concurrency must be at least 1.";
        }

        if (arguments.MaxRequests is < 1)
        {
            return "--max-requests must be at least 1.";
        }

        if (arguments.TokenAllowance < 1)
        {
            return "--token-allowance must be at least 1.";
        }

        return arguments.JudgeModel is not null && string.IsNullOrWhiteSpace(apiKey)
            ? "--judge-model needs an online run (OPENAI_API_KEY set, no --offline): offline there is no model to judge with."
            : null;
    }

    private static AttackSuite LoadSuite(RedTeamCommandArguments arguments)
    {
        var builtIn = AttackSuite.LoadBuiltIn();
        var suite = builtIn;
        if (arguments.DataPath is { } path)
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"The suite file {Path.GetFullPath(path)} does not exist.", path);
            }

            var external = AttackSuite.Load(path);
            if (external.Attacks.Count == 0)
            {
                throw new ArgumentException($"The suite file {path} has no attacks (only benign lines).");
            }

            suite = new AttackSuite(external.Attacks, external.Benign.Count > 0 ? external.Benign : builtIn.Benign);
        }

        if (arguments.Categories.Count == 0)
        {
            return suite;
        }

        var unknown = arguments.Categories.Where(c => !suite.Attacks.Any(a => a.Category == c)).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"--category: the suite has no attacks in {string.Join(", ", unknown)} (it has {string.Join(", ", suite.CountsByCategory.Keys)}).");
        }

        return new AttackSuite([.. suite.Attacks.Where(a => arguments.Categories.Contains(a.Category))], suite.Benign);
    }

    /// <summary>Reports on the calling thread (<see cref="Progress{T}"/> would post to the thread pool and could report after the run ended).</summary>
    private sealed class SynchronousProgress(Action<RedTeamProgress> report) : IProgress<RedTeamProgress>
    {
        public void Report(RedTeamProgress value) => report(value);
    }
}
