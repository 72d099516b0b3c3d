using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace SafeOpenAI;

/// <summary>
/// The defenses <c>SafeOpenAI:Defenses</c> can switch on, in the order they are added (the
/// recommended input order, then output), and how each is added from its subsection.
/// </summary>
internal static class ConfiguredDefenses
{
    /// <summary>The name of the section under <c>SafeOpenAI</c>.</summary>
    public const string SectionName = "Defenses";

    /// <summary>The key that switches a defense on.</summary>
    public const string EnabledKey = "Enabled";

    public const string Secrets = "Secrets";
    public const string UrlFilter = "UrlFilter";
    public const string KeywordFilter = "KeywordFilter";
    public const string CompetitorFilter = "CompetitorFilter";
    public const string PiiRedaction = "PiiRedaction";
    public const string PromptInjection = "PromptInjection";
    public const string Spotlighting = "Spotlighting";
    public const string CanaryTokens = "CanaryTokens";
    public const string ToolCalls = "ToolCalls";
    public const string PiiLeakCheck = "PiiLeakCheck";
    public const string OffTopic = "OffTopic";
    public const string CustomPromptCheck = "CustomPromptCheck";
    public const string Groundedness = "Groundedness";
    public const string RiskDomainReview = "RiskDomainReview";
    public const string HumanReview = "HumanReview";

    private const string AllowedScopeKey = "AllowedScope";
    private const string CheckNameKey = "Name";
    private const string CriterionKey = "Criterion";

    private const string RecognizersInCode = "recognizers are objects; add them in code with AddPattern, or add the whole defense in code";

    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    /// <summary>Gets every configurable defense, in the order they are added.</summary>
    public static IReadOnlyList<ConfiguredDefense> All { get; } =
    [
        new(Secrets, "secrets guard", typeof(SecretsGuardOptions), None, static (builder, section, _) =>
        {
            Probe(section, static s => new SecretsGuard(Bind(s, new SecretsGuardOptions())));
            builder.AddSecretsGuard(o => Bind(section, o));
        }),
        new(UrlFilter, "URL filter", typeof(UrlFilterOptions), None, static (builder, section, _) =>
        {
            // Before PII redaction, which replaces URLs with placeholders the filter cannot judge.
            Probe(section, static s => new UrlFilter(Bind(s, new UrlFilterOptions())));
            builder.AddUrlFilter(o => Bind(section, o));
        }),
        new(KeywordFilter, "keyword filter", typeof(KeywordFilterOptions), None, static (builder, section, _) =>
        {
            Probe(section, static s => new KeywordFilter(Bind(s, new KeywordFilterOptions())));
            builder.AddKeywordFilter(o => Bind(section, o));
        }),
        new(CompetitorFilter, "competitor filter", typeof(KeywordFilterOptions), None, static (builder, section, _) =>
        {
            Probe(section, static s => global::SafeOpenAI.KeywordFilter.ForCompetitors(Bind(s, new KeywordFilterOptions())));
            builder.AddCompetitorFilter(o => Bind(section, o));
        }),
        new(PiiRedaction, "PII redaction", typeof(PiiRedactionOptions), new Dictionary<string, string> { ["Recognizers"] = RecognizersInCode }, static (builder, section, root) =>
        {
            Probe(section, static s =>
            {
                using var hasher = new SafetyHasher(new SafetyIdentifierOptions { AllowUnkeyedHashing = true });
                _ = new PiiRedactionGuard(Bind(s, new PiiRedactionOptions()), hasher);
            });
            builder.AddPiiRedaction(o => Bind(section, o));
        }),
        new(PromptInjection, "prompt-injection guard", typeof(PromptInjectionGuardOptions), new Dictionary<string, string> { ["IsUntrustedPart"] = "it is a delegate; set it in code with AddPromptInjectionGuard" }, static (builder, section, _) =>
        {
            Probe(section, static s => new PromptInjectionGuard(Bind(s, new PromptInjectionGuardOptions())));
            builder.AddPromptInjectionGuard(o => Bind(section, o));
        }),
        new(Spotlighting, "spotlighting guard", typeof(SpotlightingOptions), None, static (builder, section, _) =>
        {
            Probe(section, static s => new SpotlightingGuard(Bind(s, new SpotlightingOptions())));
            builder.AddSpotlighting(o => Bind(section, o));
        }),
        new(CanaryTokens, "canary-token check", typeof(CanaryTokenOptions), None, static (builder, section, root) =>
        {
            Probe(section, static s =>
            {
                var options = Bind(s, new CanaryTokenOptions());
                _ = new CanaryTokenGuard(options);
                _ = new CanaryLeakValidator(options);
            });
            builder.AddCanaryTokens(o => Bind(section, o));
        }),
        new(OffTopic, "off-topic check", typeof(ScopeCheckOptions), None, static (builder, section, root) =>
        {
            // After redaction: the judge reads the text as the model would, never the raw PII.
            // The deployment's declared purpose is the natural scope; AllowedScope under the check still wins.
            var purpose = root[DeploymentOptions.PurposeKey];
            var scope = string.IsNullOrWhiteSpace(section[AllowedScopeKey]) && !string.IsNullOrWhiteSpace(purpose)
                ? purpose
                : Required(section, AllowedScopeKey, $"describe the application's scope in a sentence (or declare {root.Path}:{DeploymentOptions.PurposeKey})");
            Probe(section, _ => builder.AddOffTopicCheck(scope, o => Bind(section, o)));
        }, [AllowedScopeKey]),
        new(CustomPromptCheck, "custom prompt check", typeof(ScopeCheckOptions), None, static (builder, section, _) =>
        {
            var name = Required(section, CheckNameKey, "name the check, for example LegalAdvice");
            var criterion = Required(section, CriterionKey, "say what the judge flags, in a sentence");
            Probe(section, _ => builder.AddCustomPromptCheck(name, criterion, o => Bind(section, o)));
        }, [CheckNameKey, CriterionKey]),
        new(ToolCalls, "tool-call guard", typeof(ToolCallGuardOptions), None, static (builder, section, _) =>
        {
            // First of the output-only checks: a refused tool call ends the answer before the costlier checks read it.
            Probe(section, static s => new ToolCallValidator(Bind(s, new ToolCallGuardOptions())));
            builder.AddToolCallGuard(o => Bind(section, o));
        }),
        new(PiiLeakCheck, "PII leak check", typeof(PiiLeakOptions), new Dictionary<string, string> { ["Recognizers"] = RecognizersInCode }, static (builder, section, _) =>
        {
            Probe(section, static s => new PiiLeakValidator(Bind(s, new PiiLeakOptions())));
            builder.AddPiiLeakCheck(o => Bind(section, o));
        }),
        new(Groundedness, "groundedness check", typeof(GroundednessOptions), None, static (builder, section, _) =>
        {
            Probe(section, static s => new GroundednessValidator(Bind(s, new GroundednessOptions())));
            builder.AddGroundednessCheck(o => Bind(section, o));
        }),
        new(RiskDomainReview, "risk-domain review", typeof(RiskDomainReviewOptions), None, static (builder, section, root) =>
        {
            // The declared risk domains of the deployment are the natural default; listing
            // Domains under the defense itself still wins.
            var declaredSection = root.GetSection(DeploymentOptions.RiskDomainsKey);
            var declared = declaredSection.GetChildren().Select(static c => c.Value).OfType<string>().ToArray();
            if (declaredSection.GetChildren().FirstOrDefault(static c => string.IsNullOrWhiteSpace(c.Value)) is { } blank)
            {
                throw new ArgumentException($"{blank.Path} is blank: name the domain, for example healthcare.", blank.Path);
            }

            Probe(section, _ => builder.AddRiskDomainReview(o =>
            {
                if (declared.Length > 0 && !section.GetSection(nameof(RiskDomainReviewOptions.Domains)).GetChildren().Any())
                {
                    o.Domains.Clear();
                    o.Domains.UnionWith(declared);
                }

                Bind(section, o);
            }));
        }),
        new(HumanReview, "human review", null, None, static (builder, _, _) => builder.UseHumanReview()),
    ];

    /// <summary>Adds each defense enabled under <c>&lt;section&gt;:Defenses</c>, in the order of <see cref="All"/>; does nothing the second time.</summary>
    /// <param name="builder">The builder over <paramref name="registry"/>.</param>
    /// <param name="registry">The registry that records which defenses came from configuration.</param>
    /// <param name="section">The <c>SafeOpenAI</c> section.</param>
    /// <exception cref="InvalidOperationException">A value cannot be converted, a key cannot be set in configuration, or a defense is also added in code.</exception>
    /// <exception cref="ArgumentException">An option value is invalid; the message and parameter name give its key.</exception>
    public static void Apply(ISafeOpenAIBuilder builder, SafetyStageRegistry registry, IConfigurationSection section)
    {
        if (registry.DefensesConfigured)
        {
            return;
        }

        registry.DefensesConfigured = true;
        var defenses = section.GetSection(SectionName);
        foreach (var defense in All)
        {
            var subsection = defenses.GetSection(defense.Name);
            if (!subsection.GetValue<bool>(EnabledKey))
            {
                continue;
            }

            foreach (var (key, reason) in defense.UnbindableKeys)
            {
                if (subsection.GetSection(key).Exists())
                {
                    throw new InvalidOperationException($"{subsection.Path}:{key} cannot be set in configuration: {reason}.");
                }
            }

            registry.ConfiguringKey = $"{subsection.Path}:{EnabledKey}";
            try
            {
                defense.Add(builder, subsection, section);
            }
            finally
            {
                registry.ConfiguringKey = null;
            }
        }
    }

    /// <summary>Records that <paramref name="name"/> is being added; called by each defense's builder extension.</summary>
    /// <param name="builder">The builder; a builder other than SafeOpenAI's own keeps no record.</param>
    /// <param name="name">The defense's name under <c>SafeOpenAI:Defenses</c>.</param>
    /// <exception cref="InvalidOperationException">The defense is added both in configuration and in code.</exception>
    public static void Mark(ISafeOpenAIBuilder builder, string name)
    {
        if (builder is SafeOpenAIBuilder own)
        {
            own.Registry.MarkDefense(name, All.First(d => d.Name == name).Description);
        }
    }

    /// <summary>Reads a key the defense cannot do without.</summary>
    /// <exception cref="ArgumentException">The key is missing or blank; the message names its full path.</exception>
    private static string Required(IConfigurationSection section, string key, string what)
    {
        var value = section[key];
        return string.IsNullOrWhiteSpace(value)
            ? throw new ArgumentException($"{section.Path}:{key} is required: {what}.", $"{section.Path}:{key}")
            : value;
    }

    /// <summary>Binds <paramref name="options"/> from <paramref name="section"/>; a listed collection replaces the default one rather than adding to it.</summary>
    internal static T Bind<T>(IConfigurationSection section, T options)
        where T : class
    {
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite && section.GetSection(property.Name).GetChildren().Any() && property.GetValue(options) is { } collection)
            {
                // Get-only collections (Domains, UntrustedRoles, DataMarkers, ExcludedEntities) come
                // with defaults; the binder would add to them, so a configured list could never drop one.
                collection.GetType().GetInterfaces()
                    .FirstOrDefault(static i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollection<>))
                    ?.GetMethod(nameof(ICollection<object>.Clear))
                    ?.Invoke(collection, null);
            }
        }

        section.Bind(options);
        return options;
    }

    /// <summary>
    /// Runs the defense's own checks of its options (its constructors) at registration, and rethrows
    /// their errors as the same exception type, naming the configuration key instead of the parameter.
    /// </summary>
    private static void Probe(IConfigurationSection section, Action<IConfigurationSection> probe)
    {
        try
        {
            probe(section);
        }
        catch (ArgumentOutOfRangeException e)
        {
            var key = KeyOf(section, e.ParamName);
            throw new ArgumentOutOfRangeException(key, e.ActualValue, Reason(e, key));
        }
        catch (ArgumentException e) when (e is not ArgumentNullException)
        {
            var key = KeyOf(section, e.ParamName);
            throw new ArgumentException(Reason(e, key), key, e);
        }
    }

    /// <summary>The key of the option a parameter name (<c>options.MinClaimScore</c>, <c>promptThreshold</c>) stands for, or the subsection's path.</summary>
    private static string KeyOf(IConfigurationSection section, string? parameter)
    {
        if (parameter is null)
        {
            return section.Path;
        }

        var last = parameter[(parameter.LastIndexOf('.') + 1)..];
        var defense = All.FirstOrDefault(d => string.Equals(d.Name, section.Key, StringComparison.OrdinalIgnoreCase));
        var property = defense?.OptionsType?.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(p => string.Equals(p.Name, last, StringComparison.OrdinalIgnoreCase));
        return property is null ? section.Path : $"{section.Path}:{property.Name}";
    }

    /// <summary>The exception's message without the "(Parameter …)" and "Actual value was …" tails, the parameter replaced by the key.</summary>
    private static string Reason(ArgumentException exception, string key)
    {
        var message = exception.Message;
        var tail = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        if (tail >= 0)
        {
            message = message[..tail];
        }

        var reason = exception.ParamName is { Length: > 0 } parameter && parameter != "options"
            ? message.Replace(parameter, key, StringComparison.Ordinal)
            : message;
        return reason.Contains(key, StringComparison.Ordinal) ? reason : $"{key}: {reason}";
    }
}
