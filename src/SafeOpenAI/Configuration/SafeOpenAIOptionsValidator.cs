using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenAI.Chat;
using OpenAI.Moderations;

namespace SafeOpenAI;

/// <summary>
/// Validates <see cref="SafeOpenAIOptions"/> when the host starts. Every failure names the
/// configuration key to fix (for example <c>SafeOpenAI:Hardening:MaxOutputTokens</c>) and what
/// it must be. Thread-safe.
/// </summary>
internal sealed class SafeOpenAIOptionsValidator(string sectionPath, IServiceProviderIsService services) : IValidateOptions<SafeOpenAIOptions>
{
    // The IChatClient front door (SafeOpenAI.Extensions.AI) calls the application's IChatClient, not
    // an OpenAI ChatClient. The core does not reference Microsoft.Extensions.AI, so the type is
    // looked up by name; null when the application does not use it.
    private static readonly Type? s_extensionsAIChatClient =
        Type.GetType("Microsoft.Extensions.AI.IChatClient, Microsoft.Extensions.AI.Abstractions", throwOnError: false);

    public ValidateOptionsResult Validate(string? name, SafeOpenAIOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        if (string.IsNullOrWhiteSpace(options.Model))
        {
            errors.Add($"{Key("Model")} is required: the chat model, for example gpt-4o-mini.");
        }

        var appHasChatClient = services.IsService(typeof(ChatClient))
            || (s_extensionsAIChatClient is not null && services.IsService(s_extensionsAIChatClient));
        var needsModerationClient = options.Moderation.Enabled && !services.IsService(typeof(ModerationClient));
        if (string.IsNullOrWhiteSpace(SafeOpenAIServiceCollectionExtensions.ResolveApiKey(options)) && (!appHasChatClient || needsModerationClient))
        {
            errors.Add($"{Key("ApiKey")} is required (or the OPENAI_API_KEY environment variable), unless the application registers its own OpenAI.Chat.ChatClient (or a Microsoft.Extensions.AI IChatClient){(options.Moderation.Enabled ? " and OpenAI.Moderations.ModerationClient" : string.Empty)}.");
        }

        if (options.Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp)))
        {
            errors.Add($"{Key("Endpoint")} must be an absolute http or https address (was '{endpoint}').");
        }

        ValidateIdentity(options.Identity, errors);
        ValidateHardening(options.Hardening, errors);
        ValidateInputLength(options.InputLength, errors);
        ValidateModeration(options.Moderation, errors);
        ValidateBudget(options, errors);
        ValidateOutput(options, errors);
        ValidateAudit(options.Audit, errors);
        ValidateAnomaly(options.Anomaly, Key, errors);
        ValidateReview(options.Review, Key, errors);
        ValidateAccess(options.Access, Key, errors);
        ValidateDeployment(options.Deployment, Key, errors);

        foreach (var (model, price) in options.Pricing)
        {
            if (price is null || price.InputPerMillion < 0 || price.OutputPerMillion < 0 || price.CachedInputPerMillion < 0)
            {
                errors.Add($"{Key($"Pricing:{model}")} must have non-negative InputPerMillion, CachedInputPerMillion and OutputPerMillion (USD per one million tokens).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Adds an error, naming its key through <paramref name="key"/> (for example <c>SafeOpenAI:Access:LimitedRelease:Percentage</c>), for each invalid access option.</summary>
    internal static void ValidateAccess(AccessOptions access, Func<string, string> key, List<string> errors)
    {
        var release = access.LimitedRelease;
        if (!(release.Percentage is >= 0 and <= 100))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key("Access:LimitedRelease:Percentage")} must be a share in percent from 0 to 100 (was {release.Percentage})."));
        }

        for (var i = 0; i < release.AllowedUsers.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(release.AllowedUsers[i]))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key($"Access:LimitedRelease:AllowedUsers:{i}")} is blank: list user ids as the application passes them in SafetyIdentity.UserId."));
            }
        }

        if (release.Enabled && release.AllowedUsers.Count == 0 && release.Percentage == 0 && !release.AdmitAnonymous)
        {
            errors.Add($"{key("Access:LimitedRelease:Enabled")} is true but the gate admits nobody: list users under {key("Access:LimitedRelease:AllowedUsers")}, set {key("Access:LimitedRelease:Percentage")} above 0, or switch the gate off.");
        }
    }

    /// <summary>Adds an error, naming its key through <paramref name="key"/> (for example <c>SafeOpenAI:Deployment:IncidentContact</c>), for each invalid deployment declaration.</summary>
    internal static void ValidateDeployment(DeploymentOptions deployment, Func<string, string> key, List<string> errors)
    {
        void Contact(string? value, string name)
        {
            if (value is not null && !IsEmailAddress(value) && !IsHttpUrl(value))
            {
                errors.Add($"{key("Deployment:" + name)} must be an email address or an absolute http or https URL (was '{value}').");
            }
        }

        Contact(deployment.IncidentContact, nameof(deployment.IncidentContact));
        Contact(deployment.FeedbackChannel, nameof(deployment.FeedbackChannel));
        if (deployment.Name is not null && string.IsNullOrWhiteSpace(deployment.Name))
        {
            errors.Add($"{key("Deployment:Name")} is blank: name the application, or leave the key out.");
        }

        if (deployment.Purpose is not null && string.IsNullOrWhiteSpace(deployment.Purpose))
        {
            errors.Add($"{key("Deployment:Purpose")} is blank: describe the application's purpose in a sentence, or leave the key out.");
        }

        if (deployment.RedTeamReport is not null && string.IsNullOrWhiteSpace(deployment.RedTeamReport))
        {
            errors.Add($"{key("Deployment:RedTeamReport")} is blank: give the path of the latest red-team JSON report, or leave the key out.");
        }

        if (!(deployment.MaxAttackSuccessRate is >= 0 and <= 1))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key("Deployment:MaxAttackSuccessRate")} must be a share from 0 to 1 (was {deployment.MaxAttackSuccessRate})."));
        }

        if (deployment.RedTeamMaxAgeDays < 1)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key("Deployment:RedTeamMaxAgeDays")} must be at least 1 day (was {deployment.RedTeamMaxAgeDays})."));
        }

        for (var i = 0; i < deployment.RiskDomains.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(deployment.RiskDomains[i]))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key($"Deployment:RiskDomains:{i}")} is blank: name the domain, for example healthcare."));
            }
        }
    }

    private static bool IsEmailAddress(string value) =>
        value.Length > 0 && !value.Any(char.IsWhiteSpace)
        && System.Net.Mail.MailAddress.TryCreate(value, out var address) && address.Address == value;

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.Host.Length > 0;

    /// <summary>Adds an error, naming its key through <paramref name="key"/>, for each invalid anomaly option.</summary>
    internal static void ValidateAnomaly(AnomalyOptions anomaly, Func<string, string> key, List<string> errors)
    {
        void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key("Anomaly:" + name)} must be a positive duration (was {value})."));
            }
        }

        void AtLeast(long value, long minimum, string name, string unit, long maximum = long.MaxValue)
        {
            if (value < minimum || value > maximum)
            {
                var range = maximum == long.MaxValue ? $"at least {minimum}" : $"between {minimum} and {maximum}";
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key("Anomaly:" + name)} must be {range} {unit} (was {value})."));
            }
        }

        Positive(anomaly.SuspensionCooldown, nameof(anomaly.SuspensionCooldown));
        Positive(anomaly.TokenSpikeWindow, nameof(anomaly.TokenSpikeWindow));
        Positive(anomaly.ModerationFlagWindow, nameof(anomaly.ModerationFlagWindow));
        Positive(anomaly.InjectionWindow, nameof(anomaly.InjectionWindow));
        Positive(anomaly.LatencyP95Threshold, nameof(anomaly.LatencyP95Threshold));
        Positive(anomaly.GlobalWindow, nameof(anomaly.GlobalWindow));
        Positive(anomaly.FeedbackWindow, nameof(anomaly.FeedbackWindow));
        AtLeast(anomaly.TokenSpikeBaselineWindows, 1, nameof(anomaly.TokenSpikeBaselineWindows), "windows", 1_000);
        AtLeast(anomaly.TokenSpikeMinimumTokens, 1, nameof(anomaly.TokenSpikeMinimumTokens), "tokens");
        AtLeast(anomaly.ModerationFlagThreshold, 1, nameof(anomaly.ModerationFlagThreshold), "calls", 1_000);
        AtLeast(anomaly.InjectionThreshold, 1, nameof(anomaly.InjectionThreshold), "calls", 1_000);
        AtLeast(anomaly.GlobalMinimumSamples, 1, nameof(anomaly.GlobalMinimumSamples), "calls");
        AtLeast(anomaly.FeedbackThreshold, 1, nameof(anomaly.FeedbackThreshold), "reports");
        AtLeast(anomaly.MaxTrackedUsers, 1, nameof(anomaly.MaxTrackedUsers), "users");
        AtLeast(anomaly.MaxGlobalSamples, 1, nameof(anomaly.MaxGlobalSamples), "samples");
        if (!(anomaly.TokenSpikeFactor >= 1) || double.IsInfinity(anomaly.TokenSpikeFactor))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key("Anomaly:TokenSpikeFactor")} must be a finite number of at least 1 (times the baseline; was {anomaly.TokenSpikeFactor})."));
        }

        if (!(anomaly.ErrorRateThreshold is > 0 and < 1))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key("Anomaly:ErrorRateThreshold")} must be a share between 0 and 1, exclusive (was {anomaly.ErrorRateThreshold})."));
        }
    }

    /// <summary>Adds an error, naming its key through <paramref name="key"/> (for example <c>SafeOpenAI:Review:Deadline</c>), for each invalid human review option.</summary>
    internal static void ValidateReview(HumanReviewOptions review, Func<string, string> key, List<string> errors)
    {
        ValidateReviewQueue(review, key, errors);
        if (string.IsNullOrWhiteSpace(review.ReviewerRole))
        {
            errors.Add($"{key("Review:ReviewerRole")} is required: the role whose members may review, for example safeopenai-reviewer.");
        }

        if (!string.IsNullOrEmpty(review.MaterialKey))
        {
            try
            {
                _ = new AuditContentProtector(review.MaterialKey);
            }
            catch (ArgumentException)
            {
                errors.Add($"{key("Review:MaterialKey")} must be 32 random bytes, base64-encoded (44 characters, for example from 'openssl rand -base64 32'), or empty for a random key per process with the in-memory store.");
            }
        }
    }

    /// <summary>Adds an error for each option the <see cref="HumanReviewQueue"/> itself depends on: deadlines, claims, polling and the note limit.</summary>
    internal static void ValidateReviewQueue(HumanReviewOptions review, Func<string, string> key, List<string> errors)
    {
        void Duration(TimeSpan value, string name, TimeSpan minimum, TimeSpan maximum, string range)
        {
            if (value < minimum || value > maximum)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key("Review:" + name)} must be {range} (was {value})."));
            }
        }

        Duration(review.Deadline, nameof(review.Deadline), TimeSpan.FromTicks(1), HumanReviewOptions.MaxDeadline, "a positive duration of at most 365 days");
        Duration(review.EscalationDeadline, nameof(review.EscalationDeadline), TimeSpan.FromTicks(1), HumanReviewOptions.MaxDeadline, "a positive duration of at most 365 days");
        Duration(review.ClaimTimeout, nameof(review.ClaimTimeout), TimeSpan.FromTicks(1), HumanReviewOptions.MaxClaimTimeout, "a positive duration of at most 7 days");
        Duration(review.PollInterval, nameof(review.PollInterval), HumanReviewOptions.MinPollInterval, HumanReviewOptions.MaxPollInterval, "between 10 milliseconds and 1 minute");
        if (!Enum.IsDefined(review.OnDeadline))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key("Review:OnDeadline")} must be Reject or Escalate (was {review.OnDeadline})."));
        }

        if (review.MaxEscalations is < 1 or > HumanReviewOptions.MostEscalations)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key("Review:MaxEscalations")} must be between 1 and {HumanReviewOptions.MostEscalations} escalations (was {review.MaxEscalations})."));
        }

        if (review.MaxNoteCharacters is < 1 or > HumanReviewOptions.MostNoteCharacters)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key("Review:MaxNoteCharacters")} must be between 1 and {HumanReviewOptions.MostNoteCharacters} characters (was {review.MaxNoteCharacters})."));
        }
    }

    private void ValidateAudit(AuditOptions audit, List<string> errors)
    {
        if (!audit.CaptureContent)
        {
            return;
        }

        try
        {
            _ = new AuditContentProtector(audit.ContentKey ?? string.Empty);
        }
        catch (ArgumentException)
        {
            errors.Add($"{Key("Audit:ContentKey")} is required when {Key("Audit:CaptureContent")} is true: 32 random bytes, base64-encoded (44 characters, for example from 'openssl rand -base64 32').");
        }
    }

    private void ValidateOutput(SafeOpenAIOptions options, List<string> errors)
    {
        if (options.MaxReasks is < 0 or > 5)
        {
            errors.Add($"{Key("MaxReasks")} must be between 0 and 5 attempts (was {options.MaxReasks}).");
        }

        var streaming = options.Streaming;
        if (!Enum.IsDefined(streaming.Mode))
        {
            errors.Add($"{Key("Streaming:Mode")} must be HoldBack or CutOff (was {streaming.Mode}).");
        }

        if (streaming.WindowCharacters is < 20 or > 100_000)
        {
            errors.Add($"{Key("Streaming:WindowCharacters")} must be between 20 and 100000 characters (was {streaming.WindowCharacters}).");
        }

        if (streaming.OverlapCharacters is < 0 or > 100_000)
        {
            errors.Add($"{Key("Streaming:OverlapCharacters")} must be between 0 and 100000 characters (was {streaming.OverlapCharacters}).");
        }
    }

    private void ValidateIdentity(SafetyIdentifierOptions identity, List<string> errors)
    {
        if (string.IsNullOrEmpty(identity.HashKey))
        {
            if (!identity.AllowUnkeyedHashing)
            {
                errors.Add($"{Key("Identity:HashKey")} is required: a secret of at least 32 characters that keys the safety identifier and audit hashes. For development only, set {Key("Identity:AllowUnkeyedHashing")}=true instead.");
            }
        }
        else if (identity.HashKey.Length < 32)
        {
            errors.Add($"{Key("Identity:HashKey")} must be at least 32 characters (was {identity.HashKey.Length}).");
        }
    }

    private void ValidateHardening(ModelHardeningOptions hardening, List<string> errors)
    {
        if (hardening.MaxOutputTokens < 1)
        {
            errors.Add($"{Key("Hardening:MaxOutputTokens")} must be at least 1 token (was {hardening.MaxOutputTokens}).");
        }

        if (hardening.DefaultMaxOutputTokens < 1 || hardening.DefaultMaxOutputTokens > hardening.MaxOutputTokens)
        {
            errors.Add($"{Key("Hardening:DefaultMaxOutputTokens")} must be between 1 and {Key("Hardening:MaxOutputTokens")} ({hardening.MaxOutputTokens}) tokens (was {hardening.DefaultMaxOutputTokens}).");
        }

        RequireRange(hardening.MaxTemperature, 0, 2, "Hardening:MaxTemperature", errors);
        if (hardening.DefaultTemperature is { } defaultTemperature)
        {
            RequireRange(defaultTemperature, 0, hardening.MaxTemperature, "Hardening:DefaultTemperature", errors);
        }

        RequireRange(hardening.MaxTopP, 0, 1, "Hardening:MaxTopP", errors);
        RequireRange(hardening.MaxAbsFrequencyPenalty, 0, 2, "Hardening:MaxAbsFrequencyPenalty", errors);
        RequireRange(hardening.MaxAbsPresencePenalty, 0, 2, "Hardening:MaxAbsPresencePenalty", errors);
    }

    private void ValidateInputLength(InputLengthGuardOptions inputLength, List<string> errors)
    {
        if (inputLength.MaxCharacters is < 1)
        {
            errors.Add($"{Key("InputLength:MaxCharacters")} must be at least 1 character, or empty for no limit (was {inputLength.MaxCharacters}).");
        }

        if (inputLength.MaxTokens is < 1)
        {
            errors.Add($"{Key("InputLength:MaxTokens")} must be at least 1 token, or empty for no limit (was {inputLength.MaxTokens}).");
        }
    }

    private void ValidateModeration(ModerationOptions moderation, List<string> errors)
    {
        if (!moderation.Enabled)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(moderation.Model))
        {
            errors.Add($"{Key("Moderation:Model")} is required when moderation is enabled, for example omni-moderation-latest.");
        }

        if (moderation.Timeout <= TimeSpan.Zero)
        {
            errors.Add($"{Key("Moderation:Timeout")} must be positive (was {moderation.Timeout}).");
        }

        foreach (var (category, threshold) in moderation.CategoryThresholds)
        {
            if (!Array.Exists(ModerationCategories.All, c => string.Equals(c.Name, category, StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add($"{Key($"Moderation:CategoryThresholds:{category}")} is not a moderation category; use one of: {string.Join(", ", ModerationCategories.All.Select(c => c.Name))}.");
            }

            RequireRange(threshold, 0, 1, $"Moderation:CategoryThresholds:{category}", errors);
        }

        if (moderation.ReviewThreshold is { } reviewThreshold)
        {
            RequireRange(reviewThreshold, 0, 1, "Moderation:ReviewThreshold", errors);
            foreach (var (category, threshold) in moderation.CategoryThresholds)
            {
                if (reviewThreshold >= threshold)
                {
                    errors.Add(string.Create(CultureInfo.InvariantCulture, $"{Key("Moderation:ReviewThreshold")} ({reviewThreshold}) must be below every block threshold, and {Key($"Moderation:CategoryThresholds:{category}")} is {threshold}: the grey zone between them would be empty."));
                }
            }
        }
    }

    private void ValidateBudget(SafeOpenAIOptions options, List<string> errors)
    {
        var budget = options.Budget;
        var seen = new HashSet<(BudgetScope, BudgetWindow)>();
        for (var i = 0; i < budget.Limits.Count; i++)
        {
            var key = Key(string.Create(CultureInfo.InvariantCulture, $"Budget:Limits:{i}"));
            if (budget.Limits[i] is not { } limit)
            {
                errors.Add($"{key} is empty; a limit needs a Scope, a Window and at least one of Tokens, Requests or CostUsd.");
                continue;
            }

            if (!Enum.IsDefined(limit.Scope) || !Enum.IsDefined(limit.Window))
            {
                errors.Add($"{key} has an unknown Scope or Window; use Scope User, Session, Tenant or Global and Window Minute, Hour, Day or Month.");
                continue;
            }

            if (limit.Tokens is null && limit.Requests is null && limit.CostUsd is null)
            {
                errors.Add($"{key} ({limit}) limits nothing; set Tokens, Requests or CostUsd.");
            }

            if (limit.Tokens is < 1)
            {
                errors.Add($"{key}:Tokens must be at least 1 token (was {limit.Tokens}).");
            }

            if (limit.Requests is < 1)
            {
                errors.Add($"{key}:Requests must be at least 1 request (was {limit.Requests}).");
            }

            if (limit.CostUsd is <= 0)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:CostUsd must be more than 0 USD (was {limit.CostUsd})."));
            }

            if (!seen.Add((limit.Scope, limit.Window)))
            {
                errors.Add($"{key} repeats the limit {limit}; put its Tokens, Requests and CostUsd in one entry.");
            }
        }

        for (var i = 0; i < budget.AlertThresholds.Count; i++)
        {
            var threshold = budget.AlertThresholds[i];
            if (double.IsNaN(threshold) || threshold <= 0 || threshold > 10)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{Key($"Budget:AlertThresholds:{i}")} must be a fraction of the limit above 0 and at most 10, for example 0.8 for 80 % (was {threshold})."));
            }
        }

        if (budget.RequestsPerMinute is < 1)
        {
            errors.Add($"{Key("Budget:RequestsPerMinute")} must be at least 1, or empty for no rate limit (was {budget.RequestsPerMinute}).");
        }

        if (budget.RequestBurst is < 1)
        {
            errors.Add($"{Key("Budget:RequestBurst")} must be at least 1, or empty for the per-minute rate (was {budget.RequestBurst}).");
        }

        if (!Enum.IsDefined(budget.UnknownModel))
        {
            errors.Add($"{Key("Budget:UnknownModel")} must be UseFallbackPrice or Block (was {budget.UnknownModel}).");
        }
        else if (budget.UnknownModel == UnknownModelPolicy.UseFallbackPrice
            && (string.IsNullOrWhiteSpace(budget.FallbackPriceModel)
                || (!options.Pricing.ContainsKey(budget.FallbackPriceModel) && !ModelPriceTable.Default.TryGetPrice(budget.FallbackPriceModel, out _))))
        {
            errors.Add($"{Key("Budget:FallbackPriceModel")} must name a model with a price, built in or under {Key("Pricing")} (was '{budget.FallbackPriceModel}').");
        }
    }

    private void RequireRange(float value, float min, float max, string key, List<string> errors)
    {
        if (float.IsNaN(value) || value < min || value > max)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{Key(key)} must be between {min} and {max} (was {value})."));
        }
    }

    private string Key(string relative) => sectionPath + ":" + relative;
}
