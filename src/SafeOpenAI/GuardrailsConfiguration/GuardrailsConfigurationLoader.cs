using System.Text.Json;

namespace SafeOpenAI;

/// <summary>
/// Reads an OpenAI Guardrails pipeline configuration (<c>{"version": 1, "pre_flight": {...}, "input":
/// {...}, "output": {...}}</c>, each stage <c>{"version": 1, "guardrails": [{"name", "config"}]}</c>) and
/// turns it into SafeOpenAI registrations. The whole file is read and checked before anything is
/// registered, so an invalid file leaves the builder untouched.
/// </summary>
internal static class GuardrailsConfigurationLoader
{
    /// <summary>The only pipeline and stage format version OpenAI Guardrails defines (openai-guardrails 0.2).</summary>
    public const int SupportedVersion = 1;

    private static readonly (string Key, GuardrailsStage Stage)[] s_stages =
    [
        ("pre_flight", GuardrailsStage.PreFlight),
        ("input", GuardrailsStage.Input),
        ("output", GuardrailsStage.Output),
    ];

    /// <summary>Parses <paramref name="json"/> and returns the registrations in pipeline order.</summary>
    /// <exception cref="GuardrailsConfigurationException">Anything in the file is not valid.</exception>
    public static IReadOnlyList<Action<ISafeOpenAIBuilder>> Load(ReadOnlyMemory<byte> json, GuardrailsConfigurationOptions options)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException ex)
        {
            throw new GuardrailsConfigurationException(
                ex.Path is { Length: > 0 } path ? path : "$",
                $"not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).",
                ex);
        }

        using (document)
        {
            return Load(document.RootElement, options);
        }
    }

    private static List<Action<ISafeOpenAIBuilder>> Load(JsonElement root, GuardrailsConfigurationOptions options)
    {
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("guardrails", out _))
        {
            throw GuardrailsJsonObject.Error(
                "$.guardrails",
                "this is a single-stage bundle; a pipeline configuration puts it under a stage: {\"version\": 1, \"input\": {\"version\": 1, \"guardrails\": [...]}} (pre_flight, input or output).");
        }

        var top = GuardrailsJsonObject.Read(root, "$", "a pipeline configuration", "version", "pre_flight", "input", "output");
        ReadVersion(top);
        var mapper = new GuardrailsCheckMapper(options);
        var any = false;
        foreach (var (key, stage) in s_stages)
        {
            if (top.Get(key) is not { } element)
            {
                continue;
            }

            var stageObject = GuardrailsJsonObject.Read(element, top.PathOf(key), $"the {key} stage", "version", "guardrails");
            ReadVersion(stageObject);
            var list = stageObject.Required("guardrails", "the stage's checks");
            if (list.ValueKind != JsonValueKind.Array)
            {
                throw GuardrailsJsonObject.Error(stageObject.PathOf("guardrails"), $"expected the stage's checks (an array of {{\"name\", \"config\"}}), found {GuardrailsJsonObject.Describe(list)}.");
            }

            var index = 0;
            foreach (var item in list.EnumerateArray())
            {
                var path = GuardrailsJsonObject.Item(stageObject.PathOf("guardrails"), index++);
                var check = GuardrailsJsonObject.Read(item, path, "a check", "name", "config");
                var name = GuardrailsCheckMapper.CanonicalName(check.RequiredString("name", "the check's name"));
                var config = GuardrailsJsonObject.Read(check.Required("config", "the check's settings (an object, {} for none)"), check.PathOf("config"), $"the settings of {name}", GuardrailsCheckMapper.KeysOf(name, check.PathOf("name")));
                mapper.Add(stage, key, name, check.PathOf("name"), config);
                any = true;
            }
        }

        return any
            ? mapper.Registrations()
            : throw GuardrailsJsonObject.Error("$", "the pipeline has no check; add at least one under pre_flight, input or output.");
    }

    private static void ReadVersion(GuardrailsJsonObject obj)
    {
        if (obj.Get("version") is not { } version)
        {
            return;
        }

        if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var number) || number != SupportedVersion)
        {
            throw GuardrailsJsonObject.Error(obj.PathOf("version"), $"unsupported version ({(version.ValueKind == JsonValueKind.Number ? version.GetRawText() : GuardrailsJsonObject.Describe(version))}); SafeOpenAI reads version {SupportedVersion}.");
        }
    }
}
