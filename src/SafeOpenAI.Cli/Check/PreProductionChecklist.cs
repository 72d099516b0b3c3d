using System.Globalization;
using System.Net.Mail;
using SafeOpenAI.Cli.RedTeam;

namespace SafeOpenAI.Cli.Check;

/// <summary>
/// Evaluates a configuration against the pre-production checklist of the safety guides (docs/pre-production-check.md
/// lists every item with its rule). Values are read from the configuration with SafeOpenAI's own defaults where a key
/// is unset, so the check judges what an application bound to the same configuration would run.
/// </summary>
/// <remarks>
/// The rule for warn versus fail: a measure the guides require before production (the production guide's
/// pre-production checklist, or a "use it on both input and output" kind of instruction) fails when missing; a measure
/// the guides recommend conditionally, or a deployment choice the team may rightly make otherwise (one instance, alerts
/// read from the logs, a finished limited release), warns.
/// </remarks>
internal static class PreProductionChecklist
{
    private static readonly SafeOpenAIOptions Defaults = new();

    /// <summary>Evaluates every item, in document order.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The result.</returns>
    public static CheckResult Evaluate(CheckConfiguration configuration, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var c = configuration;
        var items = new List<CheckItem>
        {
            ConfigurationValidation.Evaluate(c),
            ApiKey(c),
            SecretsInFiles(c),
            Defense(c, "input.spotlighting", "Delimiter strategy (spotlighting)", "Spotlighting", CheckStatus.Fail,
                "untrusted text is fenced in randomized delimiters and the system prompt says it is data",
                CheckSources.Cite(CheckSources.ProductionBestPractices, "Pre-Production Checklist: Implement prompt delimiter strategy"), CheckGroup.InputDefenses),
            Defense(c, "input.prompt_injection", "Prompt-injection guard", "PromptInjection", CheckStatus.Fail,
                "injection attempts in user input are detected and blocked",
                CheckSources.Cite(CheckSources.ProductionBestPractices, "1. Input-Layer Security: Detect and Block Prompt Injection"), CheckGroup.InputDefenses),
            Defense(c, "input.pii_redaction", "PII redaction", "PiiRedaction", CheckStatus.Warn,
                "personal data is redacted before it is sent",
                CheckSources.Cite(CheckSources.ProductionBestPractices, "1. Input-Layer Security: PII Detection and Redaction"), CheckGroup.InputDefenses),
            Defense(c, "input.secrets", "Secrets guard", "Secrets", CheckStatus.Warn,
                "API keys, passwords and tokens in input are blocked or redacted",
                CheckSources.Cite(CheckSources.ProductionBestPractices, "1. Input-Layer Security: PII Detection and Redaction"), CheckGroup.InputDefenses),
            InputLength(c),
            OffTopic(c),
            ModerationInput(c),
            ModerationOutput(c),
            ModerationFailurePolicy(c),
            OutputTokens(c),
            OutputValidation(c),
            Groundedness(c),
            ToolCalls(c),
            UrlFilter(c),
            KeywordFilters(c),
            RateLimit(c),
            UserBudget(c),
            CostMonitoring(c),
            SharedBudgets(c),
            DurableAudit(c),
            AlertDelivery(c),
            AnomalyMonitoring(c),
            SafetyIdentifier(c),
            HumanReview(c),
            FeedbackChannel(c),
            IncidentContact(c),
            LimitedRelease(c),
        };
        items.Add(RedTeamEvidence.Evaluate(c, now, out var report));
        return new CheckResult(c.FilePath, now, items, c["Deployment:Name"], report);
    }

    private static CheckItem ApiKey(CheckConfiguration c)
    {
        const string Id = "configuration.api_key";
        const string Title = "API key kept out of the files";
        var key = CheckConfiguration.Key("ApiKey");
        const string Source = "SafeOpenAI docs/configuration.md (secrets come from the environment or a secret store)";
        if (c.IsInFile("ApiKey"))
        {
            return new(Id, Title, CheckStatus.Fail, key, $"The API key is written in clear text in a configuration file ({Length(c["ApiKey"])}): remove it and supply it as the SafeOpenAI__ApiKey or OPENAI_API_KEY environment variable or from a secret store; rotate the key if the file was shared.", Source, CheckGroup.Configuration);
        }

        return c["ApiKey"] is { } value
            ? new(Id, Title, CheckStatus.Pass, key, $"Supplied by the environment, not a file ({Length(value)}).", Source, CheckGroup.Configuration)
            : new(Id, Title, CheckStatus.Warn, key, "API key comes from OPENAI_API_KEY at run time: make sure the production environment sets it (or SafeOpenAI__ApiKey).", Source, CheckGroup.Configuration);
    }

    private static CheckItem SecretsInFiles(CheckConfiguration c)
    {
        const string Id = "configuration.secrets";
        const string Title = "Secrets kept out of the files";
        const string Source = "SafeOpenAI docs/configuration.md (secrets come from the environment or a secret store)";
        var exposed = new List<string>();
        foreach (var key in new[] { "Identity:HashKey", "Audit:ContentKey", "Review:MaterialKey" })
        {
            if (c.IsInFile(key))
            {
                exposed.Add(key);
            }
        }

        foreach (var webhook in c.SafeOpenAI.GetSection("Alerts:Webhooks").GetChildren())
        {
            var key = $"Alerts:Webhooks:{webhook.Key}:Secret";
            if (c.IsInFile(key))
            {
                exposed.Add(key);
            }
        }

        foreach (var key in new[] { "Audit:Sqlite:ConnectionString", "Review:Sqlite:ConnectionString", "PostgreSql:ConnectionString", "Redis:Configuration" })
        {
            if (c.IsInFile(key) && HasPassword(c[key]))
            {
                exposed.Add(key);
            }
        }

        if (exposed.Count == 0)
        {
            return new(Id, Title, CheckStatus.Pass, CheckConfiguration.Key("Identity:HashKey"), "No hash key, content key, material key, webhook secret or connection-string password is written in the configuration files.", Source, CheckGroup.Configuration);
        }

        return new(
            Id,
            Title,
            CheckStatus.Fail,
            CheckConfiguration.Key(exposed[0]),
            $"Written in clear text in a configuration file: {string.Join(", ", exposed.Select(CheckConfiguration.Key))}. Move them to environment variables (SafeOpenAI__Identity__HashKey ...) or a secret store, and rotate them.",
            Source,
            CheckGroup.Configuration);
    }

    private static CheckItem Defense(CheckConfiguration c, string id, string title, string name, CheckStatus whenOff, string what, string source, CheckGroup group)
    {
        var key = CheckConfiguration.Key($"Defenses:{name}:Enabled");
        return Bool(c, $"Defenses:{name}:Enabled", false)
            ? new(id, title, CheckStatus.Pass, key, $"On: {what}.", source, group)
            : new(id, title, whenOff, key, $"Off: set {key}=true so that {what}.", source, group);
    }

    private static CheckItem InputLength(CheckConfiguration c)
    {
        const string Id = "input.length";
        const string Title = "Input length cap";
        var source = CheckSources.Cite(CheckSources.SafetyBestPractices, "Constrain user input and limit output tokens");
        var tokens = NullableInt(c, "InputLength:MaxTokens", Defaults.InputLength.MaxTokens);
        var characters = NullableInt(c, "InputLength:MaxCharacters", Defaults.InputLength.MaxCharacters);
        if (tokens is null && characters is null)
        {
            return new(Id, Title, CheckStatus.Fail, CheckConfiguration.Key("InputLength:MaxTokens"), "No input limit: set SafeOpenAI:InputLength:MaxTokens (tokens) or MaxCharacters (characters); long inputs make prompt injection easier.", source, CheckGroup.InputDefenses);
        }

        return new(Id, Title, CheckStatus.Pass, CheckConfiguration.Key("InputLength:MaxTokens"), string.Create(CultureInfo.InvariantCulture, $"User input is capped at {Limit(tokens, "tokens")} and {Limit(characters, "characters")} per request."), source, CheckGroup.InputDefenses);
    }

    private static CheckItem OffTopic(CheckConfiguration c)
    {
        const string Id = "input.off_topic";
        const string Title = "Off-topic scope check";
        var enabledKey = CheckConfiguration.Key("Defenses:OffTopic:Enabled");
        var source = CheckSources.Cite(CheckSources.SafetyBestPractices, "Adversarial testing") + "; " +
            CheckSources.Cite(CheckSources.SafetyBestPractices, "Constrain user input and limit output tokens") + "; " +
            CheckSources.Cite(CheckSources.ProductionBestPractices, "1. Input-Layer Security: Detect and Block Prompt Injection");
        var purpose = c["Deployment:Purpose"];
        var scope = c["Defenses:OffTopic:AllowedScope"];
        if (!Bool(c, "Defenses:OffTopic:Enabled", false))
        {
            if (purpose is null && scope is null)
            {
                return new(Id, Title, CheckStatus.Pass, CheckConfiguration.Key("Deployment:Purpose"), "No narrow purpose declared (Deployment:Purpose): a general assistant needs no scope check. Declare the purpose if the application serves one topic.", source, CheckGroup.InputDefenses);
            }

            var declared = purpose is not null ? "Deployment:Purpose declares a narrow purpose" : "Defenses:OffTopic:AllowedScope describes a scope";
            return new(Id, Title, CheckStatus.Warn, enabledKey, $"{declared}, but requests outside it still reach the model: set {enabledKey}=true (and AllowedScope) so that a judge model refuses them.", source, CheckGroup.InputDefenses);
        }

        if (string.IsNullOrWhiteSpace(scope) && string.IsNullOrWhiteSpace(purpose))
        {
            return new(Id, Title, CheckStatus.Fail, CheckConfiguration.Key("Defenses:OffTopic:AllowedScope"), "The off-topic check is on but has no scope: describe the application's scope in a sentence in SafeOpenAI:Defenses:OffTopic:AllowedScope (or SafeOpenAI:Deployment:Purpose).", source, CheckGroup.InputDefenses);
        }

        var policy = c["Defenses:OffTopic:FailurePolicy"];
        if (policy is not null && policy.Equals("FailOpen", StringComparison.OrdinalIgnoreCase))
        {
            return new(Id, Title, CheckStatus.Warn, CheckConfiguration.Key("Defenses:OffTopic:FailurePolicy"), "FailOpen: when the judge model fails or answers out of format, the request goes to the model unchecked (scope.judge_failed_open). Set it to FailClosed unless availability matters more than scope.", source, CheckGroup.InputDefenses);
        }

        var judge = c["Defenses:OffTopic:JudgeModel"] is { } model ? $"judge {model}" : "the default judge model";
        var threshold = c["Defenses:OffTopic:ConfidenceThreshold"] is { } t ? $", confidence threshold {t}" : string.Empty;
        var turns = c["Defenses:OffTopic:MaxTurns"] is { } m ? $", {m} previous turns as context" : string.Empty;
        return new(Id, Title, CheckStatus.Pass, enabledKey, $"On: requests outside the declared scope are refused before the model ({judge}{threshold}{turns}; a failing judge blocks).", source, CheckGroup.InputDefenses);
    }

    private static CheckItem UrlFilter(CheckConfiguration c)
    {
        const string Id = "output.url_filter";
        const string Title = "URL filter";
        var enabledKey = CheckConfiguration.Key("Defenses:UrlFilter:Enabled");
        var source = CheckSources.Cite(CheckSources.SafetyBestPractices, "Constrain user input and limit output tokens") + "; " +
            CheckSources.Cite(CheckSources.ProductionBestPractices, "3. Output-Layer Security");
        if (!Bool(c, "Defenses:UrlFilter:Enabled", false))
        {
            return new(Id, Title, CheckStatus.Warn, enabledKey, $"Off: links with credentials, IP addresses or look-alike hosts pass in questions, and answers may carry any link to the user. Set {enabledKey}=true (and AllowedHosts for the hosts the application links to).", source, CheckGroup.OutputChecks);
        }

        var direction = c["Defenses:UrlFilter:Direction"] is { } text && Enum.TryParse<FilterDirection>(text, ignoreCase: true, out var parsed) ? parsed : FilterDirection.Both;
        if (direction == FilterDirection.Input)
        {
            return new(Id, Title, CheckStatus.Warn, CheckConfiguration.Key("Defenses:UrlFilter:Direction"), "Only input is filtered: links in the model's answers (an injected page can plant one) reach the user unchecked. Set it to Both.", source, CheckGroup.OutputChecks);
        }

        var hosts = c.SafeOpenAI.GetSection("Defenses:UrlFilter:AllowedHosts").GetChildren().Count(h => !string.IsNullOrWhiteSpace(h.Value));
        var allowList = hosts > 0
            ? string.Create(CultureInfo.InvariantCulture, $"only {hosts} allowed host pattern(s) pass")
            : "no allow list: any other host passes";
        var where = direction == FilterDirection.Both ? "questions and answers" : "answers";
        return new(Id, Title, CheckStatus.Pass, enabledKey, $"On for {where}: links with credentials, IP addresses and look-alike hosts are refused; {allowList}.", source, CheckGroup.OutputChecks);
    }

    private static CheckItem KeywordFilters(CheckConfiguration c)
    {
        const string Id = "output.keyword_filters";
        const string Title = "Keyword and competitor filters";
        var source = CheckSources.Cite(CheckSources.SafetyBestPractices, "Constrain user input and limit output tokens") + "; " +
            CheckSources.Cite(CheckSources.ProductionBestPractices, "3. Output-Layer Security");
        var on = new List<string>();
        foreach (var (name, what) in new[] { ("KeywordFilter", "blocked terms"), ("CompetitorFilter", "competitor names") })
        {
            if (!Bool(c, $"Defenses:{name}:Enabled", false))
            {
                continue;
            }

            var keywords = c.SafeOpenAI.GetSection($"Defenses:{name}:Keywords").GetChildren().Count(k => !string.IsNullOrWhiteSpace(k.Value));
            if (keywords == 0)
            {
                return new(Id, Title, CheckStatus.Fail, CheckConfiguration.Key($"Defenses:{name}:Keywords"), $"The {name} is on but lists no terms: add them under SafeOpenAI:Defenses:{name}:Keywords (the host will not start without).", source, CheckGroup.OutputChecks);
            }

            var direction = c[$"Defenses:{name}:Direction"] is { } text && Enum.TryParse<FilterDirection>(text, ignoreCase: true, out var parsed) ? parsed : FilterDirection.Both;
            if (direction == FilterDirection.Input)
            {
                return new(Id, Title, CheckStatus.Warn, CheckConfiguration.Key($"Defenses:{name}:Direction"), $"The {name} checks input only: the model can still name the {what} in its answers. Set it to Both.", source, CheckGroup.OutputChecks);
            }

            on.Add(string.Create(CultureInfo.InvariantCulture, $"{keywords} {what} ({(direction == FilterDirection.Both ? "questions and answers" : "answers")})"));
        }

        return on.Count > 0
            ? new(Id, Title, CheckStatus.Pass, CheckConfiguration.Key("Defenses:KeywordFilter:Enabled"), "On: " + string.Join("; ", on) + ".", source, CheckGroup.OutputChecks)
            : new(Id, Title, CheckStatus.Pass, CheckConfiguration.Key("Defenses:KeywordFilter:Enabled"), "None configured: optional, for terms or competitor names the application must never discuss (Defenses:KeywordFilter, Defenses:CompetitorFilter).", source, CheckGroup.OutputChecks);
    }

    private static CheckItem ModerationInput(CheckConfiguration c) => Moderation(
        c,
        "moderation.input",
        "Moderation of input",
        CheckSources.Cite(CheckSources.ProductionBestPractices, "Pre-Production Checklist: Enable OpenAI Moderation API on inputs"),
        "Moderation:CheckInput",
        Defaults.Moderation.CheckInput,
        $"User input is moderated with {c["Moderation:Model"] ?? Defaults.Moderation.Model} before it reaches the model.",
        "Input is not moderated: set SafeOpenAI:Moderation:CheckInput=true.");

    private static CheckItem ModerationOutput(CheckConfiguration c) => Moderation(
        c,
        "moderation.output",
        "Moderation of output",
        CheckSources.Cite(CheckSources.ProductionBestPractices, "2. Model Configuration: Use the Moderation Endpoint (on both input and output)"),
        "Moderation:CheckOutput",
        Defaults.Moderation.CheckOutput,
        "The model's answers are moderated before they are returned.",
        "Answers are not moderated: set SafeOpenAI:Moderation:CheckOutput=true.");

    // One direction of moderation: off as a whole fails both directions on Moderation:Enabled.
    private static CheckItem Moderation(CheckConfiguration c, string id, string title, string source, string key, bool defaultOn, string passed, string failed)
    {
        if (!Bool(c, "Moderation:Enabled", Defaults.Moderation.Enabled))
        {
            return new(id, title, CheckStatus.Fail, CheckConfiguration.Key("Moderation:Enabled"), "Moderation is off: set SafeOpenAI:Moderation:Enabled=true.", source, CheckGroup.Moderation);
        }

        return Bool(c, key, defaultOn)
            ? new(id, title, CheckStatus.Pass, CheckConfiguration.Key(key), passed, source, CheckGroup.Moderation)
            : new(id, title, CheckStatus.Fail, CheckConfiguration.Key(key), failed, source, CheckGroup.Moderation);
    }

    private static CheckItem ModerationFailurePolicy(CheckConfiguration c)
    {
        const string Id = "moderation.fail_closed";
        const string Title = "Moderation fails closed";
        var key = CheckConfiguration.Key("Moderation:FailurePolicy");
        var source = CheckSources.Cite(CheckSources.ProductionBestPractices, "2. Model Configuration: Use the Moderation Endpoint");
        var policy = c["Moderation:FailurePolicy"] is { } text && Enum.TryParse<ModerationFailurePolicy>(text, ignoreCase: true, out var parsed) ? parsed : Defaults.Moderation.FailurePolicy;
        return policy == SafeOpenAI.ModerationFailurePolicy.FailClosed
            ? new(Id, Title, CheckStatus.Pass, key, "A call is blocked when the moderation service fails or times out (FailClosed).", source, CheckGroup.Moderation)
            : new(Id, Title, CheckStatus.Warn, key, $"FailOpen: when the moderation service fails, text goes through unmoderated. Set {key}=FailClosed unless availability matters more than moderation.", source, CheckGroup.Moderation);
    }

    private static CheckItem OutputTokens(CheckConfiguration c)
    {
        const string Id = "output.token_cap";
        const string Title = "Output token cap";
        var key = CheckConfiguration.Key("Hardening:MaxOutputTokens");
        var source = CheckSources.Cite(CheckSources.ProductionBestPractices, "2. Model Configuration: Choose Conservative Parameters (max_tokens)") + "; " +
            CheckSources.Cite(CheckSources.SafetyBestPractices, "Constrain user input and limit output tokens");
        var max = NullableInt(c, "Hardening:MaxOutputTokens", Defaults.Hardening.MaxOutputTokens) ?? Defaults.Hardening.MaxOutputTokens;
        var fallback = NullableInt(c, "Hardening:DefaultMaxOutputTokens", Defaults.Hardening.DefaultMaxOutputTokens) ?? Defaults.Hardening.DefaultMaxOutputTokens;
        var detail = string.Create(CultureInfo.InvariantCulture, $"Answers are capped at {max:N0} tokens ({fallback:N0} when the caller sets none).");
        return max <= Defaults.Hardening.MaxOutputTokens
            ? new(Id, Title, CheckStatus.Pass, key, detail, source, CheckGroup.OutputChecks)
            : new(Id, Title, CheckStatus.Warn, key, detail + string.Create(CultureInfo.InvariantCulture, $" That is above SafeOpenAI's default of {Defaults.Hardening.MaxOutputTokens:N0}: lower {key} unless the application needs long answers."), source, CheckGroup.OutputChecks);
    }

    private static CheckItem OutputValidation(CheckConfiguration c)
    {
        const string Id = "output.validation";
        const string Title = "Output validation";
        var key = CheckConfiguration.Key("MaxReasks");
        var source = CheckSources.Cite(CheckSources.ProductionBestPractices, "3. Output-Layer Security: Response Validation and Schema Enforcement");
        var reasks = NullableInt(c, "MaxReasks", Defaults.MaxReasks) ?? Defaults.MaxReasks;
        var extra = new List<string>();
        if (Bool(c, "Defenses:PiiLeakCheck:Enabled", false))
        {
            extra.Add("answers are checked for leaked personal data");
        }

        if (Bool(c, "Defenses:CanaryTokens:Enabled", false))
        {
            extra.Add("canary tokens detect system-prompt leaks");
        }

        var more = extra.Count > 0 ? "; " + string.Join("; ", extra) : string.Empty;
        return new(Id, Title, CheckStatus.Pass, key, string.Create(CultureInfo.InvariantCulture, $"Structured answers are validated against their JSON schema (built in) and re-asked up to {reasks} times{more}."), source, CheckGroup.OutputChecks);
    }

    private static CheckItem Groundedness(CheckConfiguration c) => DeclaredOutputCheck(
        c,
        "output.groundedness",
        "Groundedness where sources are used",
        CheckSources.Cite(CheckSources.ProductionBestPractices, "3. Output-Layer Security: Hallucination Detection in RAG") + "; " +
            CheckSources.Cite(CheckSources.ProductionBestPractices, "Pre-Production Checklist: Set up output validation and hallucination checking"),
        "Groundedness",
        "UsesSources",
        onWithoutDeclaration: "Answers are checked against their sources.",
        notRequired: "No source documents declared (Deployment:UsesSources=false): not required.",
        passed: "The application sends sources and answers are checked against them.",
        missing: "The application sends source documents (Deployment:UsesSources=true) but answers are not checked against them");

    private static CheckItem ToolCalls(CheckConfiguration c) => DeclaredOutputCheck(
        c,
        "output.tool_calls",
        "Tool calls checked where tools are offered",
        CheckSources.Cite(CheckSources.ProductionBestPractices, "1. Input-Layer Security: Detect and Block Prompt Injection") + "; " +
            CheckSources.Cite(CheckSources.SafetyBestPractices, "Constrain user input and limit output tokens"),
        "ToolCalls",
        "UsesTools",
        onWithoutDeclaration: "Every tool call is checked against the tools offered and their argument schemas.",
        notRequired: "No tools declared (Deployment:UsesTools=false): not required.",
        passed: "The model is offered tools and every call is checked: only offered (or allow-listed) tools, arguments valid against each tool's schema.",
        missing: "The application offers the model tools (Deployment:UsesTools=true) but their calls are not checked: an injected instruction can make it call any tool with any arguments");

    // An output check the guides require only where the application declares what it checks
    // (sources, tools): not declared passes, declared without the defense fails.
    private static CheckItem DeclaredOutputCheck(
        CheckConfiguration c, string id, string title, string source, string defense, string declaration, string onWithoutDeclaration, string notRequired, string passed, string missing)
    {
        var key = CheckConfiguration.Key($"Defenses:{defense}:Enabled");
        var enabled = Bool(c, $"Defenses:{defense}:Enabled", false);
        if (!Bool(c, $"Deployment:{declaration}", false))
        {
            return new(id, title, CheckStatus.Pass, CheckConfiguration.Key($"Deployment:{declaration}"), enabled ? onWithoutDeclaration : notRequired, source, CheckGroup.OutputChecks);
        }

        return enabled
            ? new(id, title, CheckStatus.Pass, key, passed, source, CheckGroup.OutputChecks)
            : new(id, title, CheckStatus.Fail, key, $"{missing}: set {key}=true.", source, CheckGroup.OutputChecks);
    }

    private static CheckItem RateLimit(CheckConfiguration c)
    {
        const string Id = "limits.rate_per_user";
        const string Title = "Per-user rate limit";
        var key = CheckConfiguration.Key("Budget:RequestsPerMinute");
        var source = CheckSources.Cite(CheckSources.ProductionBestPractices, "Pre-Production Checklist: Configure rate limiting per user");
        var rate = NullableInt(c, "Budget:RequestsPerMinute", Defaults.Budget.RequestsPerMinute);
        return rate is > 0
            ? new(Id, Title, CheckStatus.Pass, key, string.Create(CultureInfo.InvariantCulture, $"Each user may send {rate} requests per minute."), source, CheckGroup.LimitsAndBudgets)
            : new(Id, Title, CheckStatus.Fail, key, $"No per-user rate limit: set {key} (requests per minute per user).", source, CheckGroup.LimitsAndBudgets);
    }

    private static CheckItem UserBudget(CheckConfiguration c)
    {
        const string Id = "limits.budget_per_user";
        const string Title = "Per-user budget";
        var key = CheckConfiguration.Key("Budget:Limits");
        var source = CheckSources.Cite(CheckSources.ProductionBestPractices, "1. Input-Layer Security: Rate Limiting and Token Budgeting");
        var limits = Limits(c);
        if (limits.Count == 0)
        {
            return new(Id, Title, CheckStatus.Warn, key, "No budget configured: the built-in default applies (200,000 tokens per user per hour). Size a User-scope entry of SafeOpenAI:Budget:Limits for this application.", source, CheckGroup.LimitsAndBudgets);
        }

        var user = limits.Where(l => l.Scope == BudgetScope.User).ToList();
        return user.Count > 0
            ? new(Id, Title, CheckStatus.Pass, key, "Per user: " + string.Join("; ", user.Select(Describe)) + ".", source, CheckGroup.LimitsAndBudgets)
            : new(Id, Title, CheckStatus.Fail, key, "SafeOpenAI:Budget:Limits replaces the built-in per-user budget but has no User-scope entry: one user can spend the whole budget. Add a User-scope limit.", source, CheckGroup.LimitsAndBudgets);
    }

    private static CheckItem CostMonitoring(CheckConfiguration c)
    {
        const string Id = "limits.cost_monitoring";
        const string Title = "Cost monitoring and alerts";
        var key = CheckConfiguration.Key("Budget:Limits");
        var source = CheckSources.Cite(CheckSources.ProductionBestPractices, "5. Cost Control: Set Hard Budget Limits") + "; " +
            CheckSources.Cite(CheckSources.ProductionBestPractices, "Pre-Production Checklist: Set up cost monitoring and alerts");
        var cost = Limits(c).Where(l => l.CostUsd is not null).ToList();
        if (cost.Count == 0)
        {
            return new(Id, Title, CheckStatus.Fail, key, "No budget in USD: add a SafeOpenAI:Budget:Limits entry with CostUsd (for example Scope Global, Window Month) so that spending is capped and alerts fire as it nears the cap.", source, CheckGroup.LimitsAndBudgets);
        }

        var thresholds = c.SafeOpenAI.GetSection("Budget:AlertThresholds").GetChildren()
            .Select(t => double.TryParse(t.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN)
            .Where(double.IsFinite).Distinct().Order().ToList();
        var alerts = thresholds.Count > 0
            ? "alerts at " + string.Join(", ", thresholds.Select(t => (t * 100).ToString("0", CultureInfo.InvariantCulture) + " %"))
            : "alerts at the default 80 % and 100 % (Budget:AlertThresholds)";
        return new(Id, Title, CheckStatus.Pass, CheckConfiguration.Key("Budget:AlertThresholds"), string.Join("; ", cost.Select(Describe)) + "; " + alerts + ".", source, CheckGroup.LimitsAndBudgets);
    }

    private static CheckItem SharedBudgets(CheckConfiguration c)
    {
        const string Id = "limits.shared";
        const string Title = "Budgets shared across instances";
        var key = CheckConfiguration.Key("Redis:Configuration");
        const string Source = "SafeOpenAI docs/redis-budgets.md (per-user limits hold only when every instance counts in one place)";
        return c["Redis:Configuration"] is not null
            ? new(Id, Title, CheckStatus.Pass, key, "Budgets, rate limits and suspensions are kept in Redis, shared by every instance.", Source, CheckGroup.LimitsAndBudgets)
            : new(Id, Title, CheckStatus.Warn, key, $"Budgets are kept in memory, per instance: with more than one instance, each user gets the limits once per instance. Set {key} and call UseRedisBudgets.", Source, CheckGroup.LimitsAndBudgets);
    }

    private static string Captured(CheckConfiguration c) =>
        Bool(c, "Audit:CaptureContent", false) ? "captured, encrypted (AES-256-GCM)." : "not captured.";

    private static CheckItem DurableAudit(CheckConfiguration c)
    {
        const string Id = "oversight.audit";
        const string Title = "Durable audit log";
        var key = CheckConfiguration.Key("Audit:Sqlite:ConnectionString");
        var source = CheckSources.Cite(CheckSources.ProductionBestPractices, "4. Monitoring and Audit Logging: Log All API Calls") + "; " +
            CheckSources.Cite(CheckSources.ProductionBestPractices, "Pre-Production Checklist: Implement comprehensive audit logging");
        if (c["PostgreSql:ConnectionString"] is not null)
        {
            return new(Id, Title, CheckStatus.Pass, CheckConfiguration.Key("PostgreSql:ConnectionString"), "Every call is recorded in the PostgreSQL audit store every instance shares (UsePostgreSqlStore); content is " + Captured(c), source, CheckGroup.Oversight);
        }

        return c["Audit:Sqlite:ConnectionString"] is not null
            ? new(Id, Title, CheckStatus.Pass, key, "Every call is recorded in a SQLite audit store (UseSqliteAudit); content is " + Captured(c), source, CheckGroup.Oversight)
            : new(Id, Title, CheckStatus.Fail, key, $"Audit records go to the logger only: set {key} and call UseSqliteAudit (one machine), or set {CheckConfiguration.Key("PostgreSql:ConnectionString")} and call UsePostgreSqlStore (several instances), so that records survive restarts and can be queried.", source, CheckGroup.Oversight);
    }

    private static CheckItem AlertDelivery(CheckConfiguration c)
    {
        const string Id = "oversight.alerts";
        const string Title = "Alerts leave the process";
        var key = CheckConfiguration.Key("Alerts:Webhooks:0:Url");
        var source = CheckSources.Cite(CheckSources.ProductionBestPractices, "4. Monitoring and Audit Logging: Alert on Anomalies");
        var urls = c.SafeOpenAI.GetSection("Alerts:Webhooks").GetChildren().Count(w => !string.IsNullOrWhiteSpace(w["Url"]));
        return urls > 0
            ? new(Id, Title, CheckStatus.Pass, key, string.Create(CultureInfo.InvariantCulture, $"Budget, anomaly and review alerts are posted to {urls} webhook(s)."), source, CheckGroup.Oversight)
            : new(Id, Title, CheckStatus.Warn, key, $"Alerts are written to the logger only: set {key} (AddWebhookAlerts) unless the logs are watched by an alerting system.", source, CheckGroup.Oversight);
    }

    private static CheckItem AnomalyMonitoring(CheckConfiguration c)
    {
        const string Id = "oversight.anomaly";
        const string Title = "Anomaly monitoring";
        var key = CheckConfiguration.Key("Anomaly:Enabled");
        var source = CheckSources.Cite(CheckSources.ProductionBestPractices, "4. Monitoring and Audit Logging: Alert on Anomalies");
        if (!Bool(c, "Anomaly:Enabled", Defaults.Anomaly.Enabled))
        {
            return new(Id, Title, CheckStatus.Fail, key, $"Off: token spikes, repeated moderation flags, latency and error rates go unnoticed. Set {key}=true.", source, CheckGroup.Oversight);
        }

        var suspend = Bool(c, "Anomaly:SuspendAbusiveUsers", Defaults.Anomaly.SuspendAbusiveUsers);
        return new(Id, Title, CheckStatus.Pass, key, "On: token spikes, repeated moderation flags and injections, latency and error rates raise alerts" + (suspend ? "; abusive users are suspended." : "."), source, CheckGroup.Oversight);
    }

    private static CheckItem SafetyIdentifier(CheckConfiguration c)
    {
        const string Id = "oversight.safety_identifier";
        const string Title = "Safety identifier keyed";
        var source = CheckSources.Cite(CheckSources.DevelopersGuide, "User identity and access") + "; " +
            CheckSources.Cite(CheckSources.SafetyBestPractices, "End-user IDs");
        if (Bool(c, "Identity:AllowUnkeyedHashing", Defaults.Identity.AllowUnkeyedHashing))
        {
            return new(Id, Title, CheckStatus.Fail, CheckConfiguration.Key("Identity:AllowUnkeyedHashing"), "Unkeyed hashing is allowed: user ids such as e-mail addresses can be recovered from the identifiers sent to OpenAI. Set SafeOpenAI:Identity:AllowUnkeyedHashing=false and SafeOpenAI:Identity:HashKey (32+ characters, from a secret store).", source, CheckGroup.Oversight);
        }

        var hashKey = c["Identity:HashKey"];
        return hashKey is { Length: >= 32 }
            ? new(Id, Title, CheckStatus.Pass, CheckConfiguration.Key("Identity:HashKey"), $"Users are identified to OpenAI by a keyed hash (HMAC-SHA256) of their id; the key is set ({Length(hashKey)}).", source, CheckGroup.Oversight)
            : new(Id, Title, CheckStatus.Fail, CheckConfiguration.Key("Identity:HashKey"), $"SafeOpenAI:Identity:HashKey is {(hashKey is null ? "not set" : $"too short ({Length(hashKey)}; 32 or more)")}: supply it from a secret store (SafeOpenAI__Identity__HashKey).", source, CheckGroup.Oversight);
    }

    private static CheckItem HumanReview(CheckConfiguration c)
    {
        const string Id = "oversight.human_review";
        const string Title = "Human review for high-risk domains";
        var source = CheckSources.Cite(CheckSources.DevelopersGuide, "Humans in the loop (HITL)") + "; " +
            CheckSources.Cite(CheckSources.SafetyBestPractices, "Human in the loop (HITL)");
        var domains = c.SafeOpenAI.GetSection("Deployment:RiskDomains").GetChildren().Select(d => d.Value).OfType<string>().Where(d => d.Length > 0).ToList();
        if (domains.Count == 0)
        {
            return new(Id, Title, CheckStatus.Pass, CheckConfiguration.Key("Deployment:RiskDomains"), "None declared (Deployment:RiskDomains is empty).", source, CheckGroup.Oversight);
        }

        var missing = new List<string>();
        if (!Bool(c, "Defenses:RiskDomainReview:Enabled", false))
        {
            missing.Add("Defenses:RiskDomainReview:Enabled");
        }

        if (!Bool(c, "Defenses:HumanReview:Enabled", false))
        {
            missing.Add("Defenses:HumanReview:Enabled");
        }

        if (c["Review:Sqlite:ConnectionString"] is null && c["PostgreSql:ConnectionString"] is null)
        {
            missing.Add("Review:Sqlite:ConnectionString");
        }

        var declared = string.Join(", ", domains);
        return missing.Count == 0
            ? new(Id, Title, CheckStatus.Pass, CheckConfiguration.Key("Defenses:RiskDomainReview:Enabled"), $"Answers in the declared domains ({declared}) are held for a human reviewer; the review queue is kept in {(c["PostgreSql:ConnectionString"] is null ? "SQLite" : "PostgreSQL, shared by every instance")}.", source, CheckGroup.Oversight)
            : new(Id, Title, CheckStatus.Fail, CheckConfiguration.Key(missing[0]), $"The application declares high-risk domains ({declared}) but {string.Join(", ", missing.Select(CheckConfiguration.Key))} {(missing.Count == 1 ? "is" : "are")} not set: answers in those domains must be held for human review, in a durable review store.", source, CheckGroup.Oversight);
    }

    private static CheckItem FeedbackChannel(CheckConfiguration c)
    {
        const string Id = "oversight.feedback";
        const string Title = "Feedback channel";
        var key = CheckConfiguration.Key("Deployment:FeedbackChannel");
        var source = CheckSources.Cite(CheckSources.SafetyBestPractices, "Allow users to report issues") + "; " +
            CheckSources.Cite(CheckSources.DevelopersGuide, "Transparency and feedback loops");
        var channel = c["Deployment:FeedbackChannel"];
        if (channel is not null && !IsEmail(channel) && !IsUrl(channel, httpsOnly: false))
        {
            return new(Id, Title, CheckStatus.Fail, key, $"{key} must be an e-mail address or an http(s) URL (was '{channel}').", source, CheckGroup.Oversight);
        }

        var inbox = Bool(c, "Defenses:HumanReview:Enabled", false);
        if (channel is null && !inbox)
        {
            return new(Id, Title, CheckStatus.Fail, key, $"Users have no declared way to report bad answers: set {key} (a URL or e-mail address watched by a person) or enable the feedback inbox (Defenses:HumanReview:Enabled).", source, CheckGroup.Oversight);
        }

        var parts = new List<string>();
        if (channel is not null)
        {
            parts.Add($"users report bad answers at {channel}");
        }

        if (inbox)
        {
            parts.Add("reports reach the feedback inbox of the human review queue");
        }

        return new(Id, Title, CheckStatus.Pass, key, Capitalize(string.Join("; ", parts)) + ".", source, CheckGroup.Oversight);
    }

    private static CheckItem IncidentContact(CheckConfiguration c)
    {
        const string Id = "oversight.incident_contact";
        const string Title = "Incident contact";
        var key = CheckConfiguration.Key("Deployment:IncidentContact");
        var source = CheckSources.Cite(CheckSources.ProductionBestPractices, "Pre-Production Checklist: Have an incident response plan");
        var contact = c["Deployment:IncidentContact"];
        if (contact is null)
        {
            return new(Id, Title, CheckStatus.Fail, key, $"No incident contact: set {key} to the e-mail address or https URL of whoever answers safety incidents.", source, CheckGroup.Oversight);
        }

        return IsEmail(contact) || IsUrl(contact, httpsOnly: true)
            ? new(Id, Title, CheckStatus.Pass, key, $"Safety incidents go to {contact}.", source, CheckGroup.Oversight)
            : new(Id, Title, CheckStatus.Fail, key, $"{key} must be an e-mail address or an https URL (was '{contact}').", source, CheckGroup.Oversight);
    }

    private static CheckItem LimitedRelease(CheckConfiguration c)
    {
        const string Id = "oversight.limited_release";
        const string Title = "Limited-release gate";
        var key = CheckConfiguration.Key("Access:LimitedRelease:Enabled");
        var source = CheckSources.Cite(CheckSources.ProductionBestPractices, "Pre-Production Checklist: Do a 7-day limited release with monitoring");
        if (!Bool(c, "Access:LimitedRelease:Enabled", false))
        {
            return new(Id, Title, CheckStatus.Warn, key, $"Off: every user reaches the model. For a new deployment, set {key}=true with AllowedUsers or a Percentage and watch it for 7 days.", source, CheckGroup.Oversight);
        }

        var users = c.SafeOpenAI.GetSection("Access:LimitedRelease:AllowedUsers").GetChildren().Count(u => !string.IsNullOrWhiteSpace(u.Value));
        var percentageText = c["Access:LimitedRelease:Percentage"];
        double percentage = 0;
        if (percentageText is not null && (!double.TryParse(percentageText, NumberStyles.Float, CultureInfo.InvariantCulture, out percentage) || percentage is < 0 or > 100))
        {
            return new(Id, Title, CheckStatus.Fail, CheckConfiguration.Key("Access:LimitedRelease:Percentage"), "SafeOpenAI:Access:LimitedRelease:Percentage must be a number from 0 to 100.", source, CheckGroup.Oversight);
        }

        if (users == 0 && percentage == 0)
        {
            return new(Id, Title, CheckStatus.Fail, CheckConfiguration.Key("Access:LimitedRelease:AllowedUsers"), "The limited release admits nobody: add AllowedUsers or a Percentage above 0.", source, CheckGroup.Oversight);
        }

        var anonymous = Bool(c, "Access:LimitedRelease:AdmitAnonymous", false) ? "anonymous calls admitted" : "anonymous calls refused";
        return new(Id, Title, CheckStatus.Pass, key, string.Create(CultureInfo.InvariantCulture, $"On: {users} allowed user(s) and {percentage:0.##} % of the other users admitted; {anonymous}."), source, CheckGroup.Oversight);
    }

    /// <summary>The Budget:Limits entries as configured; an entry whose scope or window does not parse is left out (options validation reports it).</summary>
    private static List<BudgetLimit> Limits(CheckConfiguration c)
    {
        var limits = new List<BudgetLimit>();
        foreach (var entry in c.SafeOpenAI.GetSection("Budget:Limits").GetChildren())
        {
            var limit = new BudgetLimit();
            if ((entry["Scope"] is { } scope && !Enum.TryParse(scope, ignoreCase: true, out BudgetScope parsedScope)) ||
                (entry["Window"] is { } window && !Enum.TryParse(window, ignoreCase: true, out BudgetWindow parsedWindow)))
            {
                continue;
            }

            if (entry["Scope"] is { } s)
            {
                limit.Scope = Enum.Parse<BudgetScope>(s, ignoreCase: true);
            }

            if (entry["Window"] is { } w)
            {
                limit.Window = Enum.Parse<BudgetWindow>(w, ignoreCase: true);
            }

            limit.Tokens = long.TryParse(entry["Tokens"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var tokens) ? tokens : null;
            limit.Requests = long.TryParse(entry["Requests"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var requests) ? requests : null;
            limit.CostUsd = decimal.TryParse(entry["CostUsd"], NumberStyles.Number, CultureInfo.InvariantCulture, out var cost) ? cost : null;
            limits.Add(limit);
        }

        return limits;
    }

    private static string Describe(BudgetLimit limit)
    {
        var amounts = new List<string>();
        if (limit.Tokens is { } tokens)
        {
            amounts.Add(string.Create(CultureInfo.InvariantCulture, $"{tokens:N0} tokens"));
        }

        if (limit.Requests is { } requests)
        {
            amounts.Add(string.Create(CultureInfo.InvariantCulture, $"{requests:N0} requests"));
        }

        if (limit.CostUsd is { } cost)
        {
            amounts.Add(string.Create(CultureInfo.InvariantCulture, $"{cost:#,0.##} USD"));
        }

        var scope = limit.Scope == BudgetScope.Global ? "in total" : "per " + limit.Scope.ToString().ToLowerInvariant();
        return $"{string.Join(", ", amounts)} {scope} per {limit.Window.ToString().ToLowerInvariant()}";
    }

    private static bool Bool(CheckConfiguration c, string key, bool fallback) =>
        c[key] is { } text && bool.TryParse(text, out var value) ? value : fallback;

    /// <summary>An int? option: unset gives the default; an empty string in the file means null (no limit), as the binder reads it.</summary>
    private static int? NullableInt(CheckConfiguration c, string key, int? fallback)
    {
        var raw = c.SafeOpenAI[key];
        if (raw is null)
        {
            return fallback;
        }

        return raw.Length == 0 ? null : int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }

    private static string Limit(int? value, string unit) =>
        value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:N0} {unit}") : $"no limit in {unit}";

    private static bool HasPassword(string? connection) =>
        connection is not null && (connection.Contains("password=", StringComparison.OrdinalIgnoreCase) || connection.Contains("pwd=", StringComparison.OrdinalIgnoreCase));

    private static bool IsEmail(string text) =>
        !text.Contains(' ', StringComparison.Ordinal) && text.Contains('@', StringComparison.Ordinal) && MailAddress.TryCreate(text, out var address) && address.Address == text;

    private static bool IsUrl(string text, bool httpsOnly) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || (!httpsOnly && uri.Scheme == Uri.UriSchemeHttp));

    /// <summary>Describes a secret without showing it.</summary>
    private static string Length(string? secret) => string.Create(CultureInfo.InvariantCulture, $"set, {secret?.Length ?? 0} characters");

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
