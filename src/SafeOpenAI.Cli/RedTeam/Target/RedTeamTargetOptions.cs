namespace SafeOpenAI.Cli.RedTeam;

/// <summary>Where the configuration of a red-team target comes from and where its model requests go.</summary>
internal sealed record RedTeamTargetOptions
{
    /// <summary>Gets the application's configuration file; <c>./appsettings.json</c> when present, else none (SafeOpenAI defaults), when <see langword="null"/>.</summary>
    public string? ConfigPath { get; init; }

    /// <summary>Gets the environment name whose <c>appsettings.&lt;name&gt;.json</c> beside the configuration file is layered on top; from <c>DOTNET_ENVIRONMENT</c> when <see langword="null"/>.</summary>
    public string? Environment { get; init; }

    /// <summary>Gets a value indicating whether the run uses the local endpoint even when <c>OPENAI_API_KEY</c> is set.</summary>
    public bool Offline { get; init; }

    /// <summary>Gets the OpenAI API key of an online run; <see langword="null"/> runs offline.</summary>
    public string? ApiKey { get; init; }
}
