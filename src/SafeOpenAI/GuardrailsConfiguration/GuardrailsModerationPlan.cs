namespace SafeOpenAI;

/// <summary>
/// What the Moderation entries of a Guardrails pipeline ask of SafeOpenAI's one moderation check
/// (<see cref="SafeOpenAIOptions.Moderation"/>): which sides it checks, whether input moderation runs
/// beside the model call, and which categories block.
/// </summary>
internal sealed class GuardrailsModerationPlan
{
    // The category names of the moderation API (https://platform.openai.com/docs/guides/moderation), which OpenAI Guardrails uses too.
    private static readonly string[] s_categories =
    [
        "sexual", "sexual/minors", "hate", "hate/threatening", "harassment", "harassment/threatening",
        "self-harm", "self-harm/intent", "self-harm/instructions", "violence", "violence/graphic", "illicit", "illicit/violent",
    ];

    private string[]? _categories;
    private string? _categoriesPath;
    private bool _preFlight;

    public bool Used { get; private set; }

    public bool CheckInput { get; private set; }

    public bool CheckOutput { get; private set; }

    public bool RunInputConcurrently { get; private set; }

    public void Add(GuardrailsStage stage, GuardrailsJsonObject config, bool inputStageConcurrently)
    {
        var listed = config.OptionalStrings("categories", "the moderation categories to check", allowEmpty: false);
        string[] categories;
        if (listed is null)
        {
            categories = s_categories;
        }
        else
        {
            for (var i = 0; i < listed.Count; i++)
            {
                if (Array.IndexOf(s_categories, listed[i]) < 0)
                {
                    throw GuardrailsJsonObject.Error(GuardrailsJsonObject.Item(config.PathOf("categories"), i), $"'{listed[i]}' is not a moderation category; known categories: {string.Join(", ", s_categories)}.");
                }
            }

            categories = [.. listed.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        }

        var ordered = categories.Order(StringComparer.Ordinal).ToArray();
        if (_categories is not null && !_categories.SequenceEqual(ordered))
        {
            throw GuardrailsJsonObject.Error(config.PathOf("categories"), $"SafeOpenAI has one moderation check, so Moderation must list the same categories in every stage; they differ from {_categoriesPath}.");
        }

        _categories = ordered;
        _categoriesPath ??= config.Has("categories") ? config.PathOf("categories") : config.Path;
        Used = true;
        if (stage == GuardrailsStage.Output)
        {
            CheckOutput = true;
        }
        else
        {
            CheckInput = true;

            // pre_flight moderation always decides before the model; a concurrent input stage only runs beside it when pre_flight has none.
            RunInputConcurrently = stage == GuardrailsStage.Input && inputStageConcurrently && !_preFlight;
            _preFlight |= stage == GuardrailsStage.PreFlight;
        }
    }

    public void Apply(SafeOpenAIOptions options)
    {
        var moderation = options.Moderation;
        moderation.Enabled = true;
        moderation.CheckInput = CheckInput;
        moderation.CheckOutput = CheckOutput;
        moderation.RunInputConcurrently = RunInputConcurrently;
        if (_categories is { } categories && categories.Length < s_categories.Length)
        {
            // A subset: only the service's flag in a listed category blocks, as in OpenAI Guardrails.
            foreach (var category in categories)
            {
                moderation.FlaggedCategories.Add(category);
            }
        }
    }
}
