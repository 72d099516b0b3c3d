namespace SafeOpenAI;

/// <summary>The stages registered through <see cref="ISafeOpenAIBuilder"/>, in order. Filled at registration, read once when the pipeline is built.</summary>
internal sealed class SafetyStageRegistry
{
    // Defense name (as under SafeOpenAI:Defenses) → the Enabled key that added it from configuration.
    private readonly Dictionary<string, string> _configuredDefenses = new(StringComparer.Ordinal);
    private readonly HashSet<string> _codeDefenses = new(StringComparer.Ordinal);

    public List<Func<IServiceProvider, IInputGuard>> InputGuards { get; } = [];

    public List<Func<IServiceProvider, IOutputValidator>> OutputValidators { get; } = [];

    public Func<IServiceProvider, IModerationCheck?>? Moderation { get; set; }

    public Func<IServiceProvider, IBudgetTracker?>? BudgetTracker { get; set; }

    /// <summary>Gets or sets a value indicating whether <c>SafeOpenAI:Defenses</c> has been applied (it is applied once).</summary>
    public bool DefensesConfigured { get; set; }

    /// <summary>Gets or sets the Enabled key of the defense being added from configuration, or <see langword="null"/> while code adds stages.</summary>
    public string? ConfiguringKey { get; set; }

    /// <summary>
    /// Records that a defense is being added, from configuration when <see cref="ConfiguringKey"/> is set, otherwise in code.
    /// A defense added both ways would run twice with different options, so that is refused.
    /// </summary>
    /// <param name="name">The defense's name under <c>SafeOpenAI:Defenses</c>, for example <c>PromptInjection</c>.</param>
    /// <param name="description">The defense as a sentence names it, for example "prompt-injection guard".</param>
    /// <exception cref="InvalidOperationException">The defense is added both in configuration and in code.</exception>
    public void MarkDefense(string name, string description)
    {
        if (ConfiguringKey is { } key)
        {
            if (_codeDefenses.Contains(name))
            {
                throw AddedTwice(description, key);
            }

            _configuredDefenses[name] = key;
            return;
        }

        if (_configuredDefenses.TryGetValue(name, out var configuredBy))
        {
            throw AddedTwice(description, configuredBy);
        }

        _codeDefenses.Add(name);
    }

    private static InvalidOperationException AddedTwice(string description, string key) =>
        new($"The {description} is added twice: by {key} and in code. Remove one.");
}
