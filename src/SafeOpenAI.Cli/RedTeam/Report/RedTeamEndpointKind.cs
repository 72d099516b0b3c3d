namespace SafeOpenAI.Cli.RedTeam;

/// <summary>Where a red-team run sent the requests that passed the input stages.</summary>
internal enum RedTeamEndpointKind
{
    /// <summary>The local OpenAI-compatible endpoint: no network, reproducible from the seed.</summary>
    Offline,

    /// <summary>The OpenAI API, billed to the configured key.</summary>
    Online,
}
