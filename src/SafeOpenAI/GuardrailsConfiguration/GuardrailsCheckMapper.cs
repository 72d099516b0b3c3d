using Microsoft.Extensions.DependencyInjection;

namespace SafeOpenAI;

/// <summary>
/// Maps each OpenAI Guardrails check (openai-guardrails 0.2, docs/ref/checks) onto the SafeOpenAI stage
/// that does the same job; the table with every key is docs/openai-guardrails-config.md. Each check's
/// options are built and checked when it is read, so a bad value fails before anything is registered.
/// </summary>
internal sealed class GuardrailsCheckMapper
{
    private const string Model = "model";
    private const string Threshold = "confidence_threshold";
    private const string MaxTurns = "max_turns";
    private const string Reasoning = "include_reasoning";
    private const string Details = "system_prompt_details";

    // The entity type of a Secret Keys custom_regex match: its placeholder reads <CUSTOM_SECRET_1>.
    private const string CustomSecretEntity = "CUSTOM_SECRET";

    private static readonly Dictionary<string, string[]> s_keys = new(StringComparer.Ordinal)
    {
        ["Moderation"] = ["categories"],
        ["Jailbreak"] = [Model, Threshold, MaxTurns, Reasoning],
        ["Prompt Injection Detection"] = [Model, Threshold, MaxTurns, Reasoning],
        ["Contains PII"] = ["entities", "block", "detect_encoded_pii"],
        ["Secret Keys"] = ["threshold", "custom_regex"],
        ["URL Filter"] = ["url_allow_list", "allowed_schemes", "block_userinfo", "allow_subdomains"],
        ["Off Topic Prompts"] = [Model, Threshold, Details, MaxTurns, Reasoning],
        ["NSFW Text"] = [Model, Threshold, MaxTurns, Reasoning],
        ["Hallucination Detection"] = [Model, Threshold, "knowledge_source", Reasoning],
        ["Competitors"] = ["competitors"],
        ["Keyword Filter"] = ["keywords"],
        ["Custom Prompt Check"] = [Model, Threshold, Details, MaxTurns, Reasoning],
    };

    // Presidio entity names (https://microsoft.github.io/presidio/supported_entities/) SafeOpenAI's recognizers detect.
    private static readonly string[] s_piiEntities =
    [
        PiiEntityTypes.EmailAddress, PiiEntityTypes.PhoneNumber, PiiEntityTypes.CreditCard, PiiEntityTypes.UsSsn,
        PiiEntityTypes.IbanCode, PiiEntityTypes.IpAddress, PiiEntityTypes.Crypto, PiiEntityTypes.Url,
    ];

    private readonly GuardrailsConfigurationOptions _options;
    private readonly List<Action<ISafeOpenAIBuilder>> _registrations = [];
    private readonly GuardrailsModerationPlan _moderation = new();
    private InjectionPlan? _injection;
    private int _customChecks;

    public GuardrailsCheckMapper(GuardrailsConfigurationOptions options) => _options = options;

    /// <summary>The check names OpenAI Guardrails defines, as they are written in a configuration.</summary>
    public static IReadOnlyCollection<string> CheckNames => s_keys.Keys;

    /// <summary>
    /// The registry name of a check: their reference page for Competitors shows it as
    /// "Competitor Detection" (docs/ref/checks/competitors.md), so a file copied from it says so.
    /// </summary>
    public static string CanonicalName(string name) => name == "Competitor Detection" ? "Competitors" : name;

    /// <summary>The keys a check's <c>config</c> may hold.</summary>
    /// <exception cref="GuardrailsConfigurationException"><paramref name="name"/> is not a check.</exception>
    public static string[] KeysOf(string name, string path) =>
        s_keys.TryGetValue(name, out var keys)
            ? keys
            : throw GuardrailsJsonObject.Error(path, $"'{name}' is not an OpenAI Guardrails check; known checks: {string.Join(", ", s_keys.Keys)}.");

    public List<Action<ISafeOpenAIBuilder>> Registrations()
    {
        if (_moderation.Used)
        {
            var plan = _moderation;
            _registrations.Insert(0, builder => builder.Services.Configure<SafeOpenAIOptions>(plan.Apply));
        }

        return _registrations;
    }

    public void Add(GuardrailsStage stage, string stageKey, string name, string namePath, GuardrailsJsonObject config)
    {
        var direction = stage == GuardrailsStage.Output ? FilterDirection.Output : FilterDirection.Input;
        switch (name)
        {
            case "Moderation":
                _moderation.Add(stage, config, _options.RunInputStageConcurrently);
                break;
            case "Jailbreak":
                RequireInput(stage, stageKey, name, namePath, "the prompt-injection guard checks the request");
                ReadJudgeKeys(config, hasTurns: true);
                Injection().ScanUserMessages = true;
                break;
            case "Prompt Injection Detection":
                ReadJudgeKeys(config, hasTurns: true);
                if (stage == GuardrailsStage.Output)
                {
                    _registrations.Add(static b => b.AddToolCallGuard());
                }
                else
                {
                    Injection().ScanToolMessages = true;
                }

                break;
            case "Contains PII":
                AddPii(direction, config);
                break;
            case "Secret Keys":
                RequireInput(stage, stageKey, name, namePath, "the secrets guard redacts credentials before they reach the model; use Contains PII or Keyword Filter on output");
                AddSecrets(config);
                break;
            case "URL Filter":
                AddUrlFilter(direction, config);
                break;
            case "Competitors":
                AddKeywords(direction, config, "competitors", "the competitor names", competitors: true);
                break;
            case "Keyword Filter":
                AddKeywords(direction, config, "keywords", "the banned keywords or phrases", competitors: false);
                break;
            case "Off Topic Prompts":
            {
                var scope = config.RequiredString(Details, "the application's scope");
                var configure = Scope(stage, direction, config);
                ProbeScope(config, () => ScopeCheck.OffTopic(scope, Probe(configure), ProbeJudge.Instance));
                _registrations.Add(b => b.AddOffTopicCheck(scope, configure));
                break;
            }

            case "NSFW Text":
            {
                var configure = Scope(stage, direction, config);
                ProbeScope(config, () => ScopeCheck.NsfwText(Probe(configure), ProbeJudge.Instance));
                _registrations.Add(b => b.AddNsfwTextCheck(configure));
                break;
            }

            case "Custom Prompt Check":
            {
                var criterion = config.RequiredString(Details, "the check's criterion");
                var configure = Scope(stage, direction, config);
                var checkName = ++_customChecks == 1 ? "CustomPromptCheck" : "CustomPromptCheck" + _customChecks.ToString(System.Globalization.CultureInfo.InvariantCulture);
                ProbeScope(config, () => ScopeCheck.Custom(checkName, criterion, Probe(configure), ProbeJudge.Instance));
                _registrations.Add(b => b.AddCustomPromptCheck(checkName, criterion, configure));
                break;
            }

            case "Hallucination Detection":
                if (stage != GuardrailsStage.Output)
                {
                    throw GuardrailsJsonObject.Error(namePath, $"Hallucination Detection cannot run in the {stageKey} stage: it checks the model's answer; put it under output.");
                }

                AddGroundedness(config);
                break;
            default:
                throw GuardrailsJsonObject.Error(namePath, $"'{name}' is not an OpenAI Guardrails check; known checks: {string.Join(", ", s_keys.Keys)}.");
        }
    }

    private static void RequireInput(GuardrailsStage stage, string stageKey, string name, string namePath, string why)
    {
        if (stage == GuardrailsStage.Output)
        {
            throw GuardrailsJsonObject.Error(namePath, $"{name} cannot run in the {stageKey} stage: {why}; put it under pre_flight or input.");
        }
    }

    /// <summary>Reads the keys every judge check shares: <c>model</c>, <c>confidence_threshold</c>, <c>max_turns</c>, <c>include_reasoning</c>.</summary>
    private static (string Model, double Threshold, int MaxTurns) ReadJudgeKeys(GuardrailsJsonObject config, bool hasTurns)
    {
        var model = config.RequiredString(Model, "the judge model, for example \"gpt-4.1-mini\"");
        var threshold = config.RequiredFraction(Threshold, "the confidence at or above which the check trips");
        var turns = hasTurns ? config.OptionalInt(MaxTurns, 10, 1, 100, "the number of conversation turns given as context") : 10;
        if (config.OptionalBool(Reasoning, false))
        {
            throw GuardrailsJsonObject.Error(
                config.PathOf(Reasoning),
                "SafeOpenAI never puts a judge's reasoning in the verdict trail, because it could quote the user's text into logs, audit records and metrics; remove the key or set it to false.");
        }

        return (model, threshold, turns);
    }

    private static void ProbeScope(GuardrailsJsonObject config, Func<ScopeCheck> create)
    {
        try
        {
            _ = create();
        }
        catch (ArgumentException ex)
        {
            throw GuardrailsJsonObject.Error(config.Path, GuardrailsJsonObject.MessageOf(ex), ex);
        }
    }

    private static ScopeCheckOptions Probe(Action<ScopeCheckOptions> configure)
    {
        var options = new ScopeCheckOptions();
        configure(options);
        return options;
    }

    private Action<ScopeCheckOptions> Scope(GuardrailsStage stage, FilterDirection direction, GuardrailsJsonObject config)
    {
        var (model, threshold, turns) = ReadJudgeKeys(config, hasTurns: true);
        var concurrent = stage == GuardrailsStage.Input && _options.RunInputStageConcurrently;
        return o =>
        {
            o.JudgeModel = model;
            o.ConfidenceThreshold = threshold;
            o.MaxTurns = turns;
            o.Direction = direction;
            o.RunConcurrentlyWithModel = concurrent;
        };
    }

    private InjectionPlan Injection()
    {
        if (_injection is null)
        {
            var plan = _injection = new InjectionPlan();

            // One guard for Jailbreak and Prompt Injection Detection together, at the first one's place.
            _registrations.Add(b => b.AddPromptInjectionGuard(plan.Apply));
        }

        return _injection;
    }

    private void AddPii(FilterDirection direction, GuardrailsJsonObject config)
    {
        var listed = config.RequiredStrings("entities", "the Presidio entity types to detect");
        var entities = new List<string>(listed.Count);
        for (var i = 0; i < listed.Count; i++)
        {
            if (Array.IndexOf(s_piiEntities, listed[i]) < 0)
            {
                throw GuardrailsJsonObject.Error(
                    GuardrailsJsonObject.Item(config.PathOf("entities"), i),
                    $"SafeOpenAI does not detect the entity type '{listed[i]}'; it detects {string.Join(", ", s_piiEntities)}. Add a pattern in code with PiiRedactionOptions.AddPattern for others.");
            }

            entities.Add(listed[i]);
        }

        var block = config.OptionalBool("block", false);
        if (config.OptionalBool("detect_encoded_pii", false))
        {
            throw GuardrailsJsonObject.Error(config.PathOf("detect_encoded_pii"), "SafeOpenAI does not decode Base64, URL-encoded or hex text to look for PII; remove the key or set it to false.");
        }

        if (direction == FilterDirection.Input)
        {
            void Redaction(PiiRedactionOptions o)
            {
                o.Entities = [.. entities];
                o.DefaultOperator = block ? PiiOperator.Block : PiiOperator.Replace;
            }

            _registrations.Add(b => b.AddPiiRedaction(Redaction));
        }
        else
        {
            void Leak(PiiLeakOptions o)
            {
                o.Entities = [.. entities];
                o.ExcludedEntities.Clear();
                o.Policy = block ? PiiLeakPolicy.Block : PiiLeakPolicy.Redact;
            }

            _registrations.Add(b => b.AddPiiLeakCheck(Leak));
        }
    }

    private void AddSecrets(GuardrailsJsonObject config)
    {
        var threshold = "balanced";
        if (config.Get("threshold") is { } value)
        {
            threshold = value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString()! : string.Empty;
            if (threshold is not ("strict" or "balanced" or "permissive"))
            {
                throw GuardrailsJsonObject.Error(config.PathOf("threshold"), "expected \"strict\", \"balanced\" or \"permissive\".");
            }
        }

        // strict and balanced keep the entropy test for unknown token shapes; permissive keeps only the known key formats.
        var entropy = threshold != "permissive";
        _registrations.Add(b => b.AddSecretsGuard(o => o.DetectHighEntropyTokens = entropy));

        var patterns = config.OptionalStrings("custom_regex", "regular expressions of the organisation's own secrets", allowEmpty: true) ?? [];
        if (patterns.Count == 0)
        {
            return;
        }

        var redaction = new PiiRedactionOptions { Entities = [CustomSecretEntity], Reversible = false };
        for (var i = 0; i < patterns.Count; i++)
        {
            try
            {
                redaction.AddPattern(CustomSecretEntity, patterns[i], score: 1.0);
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
            {
                // The message of a regex error quotes the pattern, which may itself hold a secret's shape; name the path only.
                throw GuardrailsJsonObject.Error(GuardrailsJsonObject.Item(config.PathOf("custom_regex"), i), "not a valid .NET regular expression (SafeOpenAI runs it with RegexOptions.NonBacktracking, which has no backreferences or lookarounds).", ex);
            }
        }

        _registrations.Add(b => b.AddInputGuard(sp => new PiiRedactionGuard(redaction, sp.GetService<SafetyHasher>())));
    }

    private void AddUrlFilter(FilterDirection direction, GuardrailsJsonObject config)
    {
        var allowList = config.OptionalStrings("url_allow_list", "the allowed hosts, IP ranges and URLs", allowEmpty: true) ?? [];
        var schemes = config.OptionalStrings("allowed_schemes", "the allowed URL schemes", allowEmpty: false) ?? ["https"];
        var blockUserInfo = config.OptionalBool("block_userinfo", true);
        var subdomains = config.OptionalBool("allow_subdomains", false);

        void Configure(UrlFilterOptions o)
        {
            foreach (var host in allowList)
            {
                o.AllowedHosts.Add(host);
            }

            o.AllowedSchemes.Clear();
            o.AllowedSchemes.UnionWith(schemes);
            o.BlockUserInfo = blockUserInfo;
            o.AllowSubdomains = subdomains;
            o.Direction = direction;
        }

        var probe = new UrlFilterOptions();
        Configure(probe);
        try
        {
            _ = new UrlFilter(probe);
        }
        catch (ArgumentException ex)
        {
            throw GuardrailsJsonObject.Error(config.PathOf("url_allow_list"), GuardrailsJsonObject.MessageOf(ex), ex);
        }

        _registrations.Add(b => b.AddUrlFilter(Configure));
    }

    private void AddKeywords(FilterDirection direction, GuardrailsJsonObject config, string key, string what, bool competitors)
    {
        var terms = config.RequiredStrings(key, what);

        void Configure(KeywordFilterOptions o)
        {
            foreach (var term in terms)
            {
                o.Keywords.Add(term);
            }

            o.Direction = direction;
        }

        var probe = new KeywordFilterOptions();
        Configure(probe);
        try
        {
            _ = competitors ? KeywordFilter.ForCompetitors(probe) : new KeywordFilter(probe);
        }
        catch (ArgumentException ex)
        {
            throw GuardrailsJsonObject.Error(config.PathOf(key), GuardrailsJsonObject.MessageOf(ex), ex);
        }

        _registrations.Add(competitors ? b => b.AddCompetitorFilter(Configure) : b => b.AddKeywordFilter(Configure));
    }

    private void AddGroundedness(GuardrailsJsonObject config)
    {
        var (model, _, _) = ReadJudgeKeys(config, hasTurns: false);
        var store = config.RequiredString("knowledge_source", "the OpenAI vector store id (vs_...)");
        if (!store.StartsWith("vs_", StringComparison.Ordinal))
        {
            throw GuardrailsJsonObject.Error(config.PathOf("knowledge_source"), "expected an OpenAI vector store id starting with \"vs_\".");
        }

        _registrations.Add(b => b.AddGroundednessCheck(
            judgeFactory: sp => new OpenAIGroundednessJudge(SafeOpenAIServiceCollectionExtensions.CreateChatClient(sp, model))));
    }

    /// <summary>What Jailbreak and Prompt Injection Detection in the request stages ask of the one prompt-injection guard.</summary>
    private sealed class InjectionPlan
    {
        public bool ScanUserMessages { get; set; }

        public bool ScanToolMessages { get; set; }

        public void Apply(PromptInjectionGuardOptions o)
        {
            o.ScanUserMessages = ScanUserMessages;
            o.ScanToolMessages = ScanToolMessages;
        }
    }

    /// <summary>A judge for checking options at registration; never asked.</summary>
    private sealed class ProbeJudge : IScopeJudge
    {
        public static readonly ProbeJudge Instance = new();

        public ValueTask<ScopeJudgement> JudgeAsync(ScopeJudgeRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("This judge only checks options.");
    }
}
