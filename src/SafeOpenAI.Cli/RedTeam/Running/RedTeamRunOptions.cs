namespace SafeOpenAI.Cli.RedTeam;

/// <summary>How a red-team run goes.</summary>
internal sealed record RedTeamRunOptions
{
    /// <summary>The default token allowance of an attack (<c>--token-allowance</c>), in tokens.</summary>
    public const int DefaultTokenAllowance = 16_000;

    /// <summary>Gets the suite's name in the report (<c>builtin</c> or the file name).</summary>
    public string SuiteName { get; init; } = "builtin";

    /// <summary>Gets the seed of the case order.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Gets how many cases run at once, 1 or more.</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>Gets the most requests the run may cause; <see langword="null"/> for no limit.</summary>
    public long? MaxRequests { get; init; }

    /// <summary>Gets the tokens an attack may spend before <c>tokens_spent</c> counts it a success.</summary>
    public int TokenAllowance { get; init; } = DefaultTokenAllowance;

    /// <summary>Gets the optional judge model (online only).</summary>
    public IRedTeamJudgeModel? Judge { get; init; }
}
