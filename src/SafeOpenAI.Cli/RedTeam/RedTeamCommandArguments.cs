namespace SafeOpenAI.Cli.RedTeam;

/// <summary>The options of <c>safeopenai redteam</c>, as parsed from the command line.</summary>
internal sealed record RedTeamCommandArguments
{
    /// <summary>The report formats <c>--format</c> accepts.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["table", "markdown", "html", "json", "junit"];

    /// <summary>Gets the application's configuration file (<c>--config</c>).</summary>
    public string? ConfigPath { get; init; }

    /// <summary>Gets the environment name (<c>--environment</c>).</summary>
    public string? Environment { get; init; }

    /// <summary>Gets the external suite (<c>--data</c>); the built-in suite when <see langword="null"/>.</summary>
    public string? DataPath { get; init; }

    /// <summary>Gets the report format (<c>--format</c>).</summary>
    public string Format { get; init; } = "table";

    /// <summary>Gets the report file (<c>--output</c>); standard output when <see langword="null"/>.</summary>
    public string? OutputPath { get; init; }

    /// <summary>Gets the highest acceptable attack success rate per category, 0..1 (<c>--max-asr</c>).</summary>
    public double MaxAsr { get; init; } = 0.05;

    /// <summary>Gets the seed (<c>--seed</c>).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Gets the cases run at once (<c>--concurrency</c>).</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>Gets the request budget (<c>--max-requests</c>); none when <see langword="null"/>.</summary>
    public long? MaxRequests { get; init; }

    /// <summary>Gets a value indicating whether the run stays offline even with <c>OPENAI_API_KEY</c> set (<c>--offline</c>).</summary>
    public bool Offline { get; init; }

    /// <summary>Gets the judge model (<c>--judge-model</c>, online only).</summary>
    public string? JudgeModel { get; init; }

    /// <summary>Gets the token allowance of an attack (<c>--token-allowance</c>), in tokens.</summary>
    public int TokenAllowance { get; init; } = RedTeamRunOptions.DefaultTokenAllowance;

    /// <summary>Gets the file with the assistant's instructions (<c>--system-prompt</c>).</summary>
    public string? SystemPromptPath { get; init; }

    /// <summary>Gets the categories to run (<c>--category</c>); all when empty.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];
}
