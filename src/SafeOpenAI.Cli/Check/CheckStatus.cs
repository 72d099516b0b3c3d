namespace SafeOpenAI.Cli.Check;

/// <summary>The outcome of one pre-production check item.</summary>
internal enum CheckStatus
{
    /// <summary>The measure is in force.</summary>
    Pass,

    /// <summary>The measure is missing or weaker than recommended, but the guides leave it to the team's judgement; <c>--strict</c> turns it into a failure.</summary>
    Warn,

    /// <summary>A measure the guides require before production is missing or broken.</summary>
    Fail,
}
