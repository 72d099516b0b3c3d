namespace SafeOpenAI;

/// <summary>
/// Everything SafeOpenAI is configured with, bound from the configuration section
/// <c>SafeOpenAI</c> (or set in code through <c>AddSafeOpenAI(options =&gt; ...)</c>) and
/// validated when the host starts: a bad value stops start-up with a message naming its key.
/// </summary>
public sealed class SafeOpenAIOptions
{
    /// <summary>The default configuration section name: <c>SafeOpenAI</c>.</summary>
    public const string SectionName = "SafeOpenAI";

    /// <summary>Gets or sets the chat model, for example <c>gpt-4o-mini</c>. Required.</summary>
    public string Model { get; set; } = "gpt-4o-mini";

    /// <summary>
    /// Gets or sets the OpenAI API key used for the inner clients SafeOpenAI registers. Required
    /// unless the application registers its own <c>ChatClient</c> or Microsoft.Extensions.AI <c>IChatClient</c> (and <c>ModerationClient</c>
    /// when moderation is on). Stages never see it; it is never logged.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the API base address, for an OpenAI-compatible endpoint; <see langword="null"/> for OpenAI itself.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets what the drop-in methods do when a call is blocked. Default <see cref="SafetyBlockBehavior.Throw"/>.</summary>
    public SafetyBlockBehavior OnBlock { get; set; } = SafetyBlockBehavior.Throw;

    /// <summary>Gets the safety identifier and hashing settings (<c>SafeOpenAI:Identity</c>).</summary>
    public SafetyIdentifierOptions Identity { get; } = new();

    /// <summary>Gets the model parameter defaults and caps (<c>SafeOpenAI:Hardening</c>).</summary>
    public ModelHardeningOptions Hardening { get; } = new();

    /// <summary>Gets the input length limits (<c>SafeOpenAI:InputLength</c>).</summary>
    public InputLengthGuardOptions InputLength { get; } = new();

    /// <summary>Gets the moderation settings (<c>SafeOpenAI:Moderation</c>).</summary>
    public ModerationOptions Moderation { get; } = new();

    /// <summary>Gets how streamed answers are checked and released (<c>SafeOpenAI:Streaming</c>).</summary>
    public StreamingOptions Streaming { get; } = new();

    /// <summary>
    /// Gets or sets how many times the model is asked again when an output validator rejects an
    /// answer with feedback (<see cref="OutputValidationResult.Reask"/>), for example an answer that
    /// does not follow the JSON schema. Default 2; between 0 and 5. Every attempt is budgeted.
    /// </summary>
    public int MaxReasks { get; set; } = 2;

    /// <summary>Gets the budgets, request rate limit, alert thresholds and unknown-model pricing policy (<c>SafeOpenAI:Budget</c>).</summary>
    public BudgetOptions Budget { get; } = new();

    /// <summary>Gets the audit trail options (section <c>Audit</c>): opt-in encrypted content.</summary>
    public AuditOptions Audit { get; } = new();

    /// <summary>Gets the anomaly monitor options (section <c>Anomaly</c>): rules, thresholds, windows and the suspension cool-down.</summary>
    public AnomalyOptions Anomaly { get; } = new();

    /// <summary>Gets the human review queue's deadlines, claims and key (<c>SafeOpenAI:Review</c>); used once <c>UseHumanReview()</c> registers the queue.</summary>
    public HumanReviewOptions Review { get; } = new();

    /// <summary>Gets who may reach the model at all (<c>SafeOpenAI:Access</c>): the limited-release gate.</summary>
    public AccessOptions Access { get; } = new();

    /// <summary>
    /// Gets the deployment's declarations (<c>SafeOpenAI:Deployment</c>): its name, incident contact,
    /// feedback channel, risk domains and red-team acceptance limits. Read by <c>safeopenai check</c>;
    /// the pipeline itself acts on none of them, except that declared risk domains are the default
    /// domains of the risk-domain review when <c>SafeOpenAI:Defenses:RiskDomainReview</c> switches it on.
    /// </summary>
    public DeploymentOptions Deployment { get; } = new();

    /// <summary>Gets the telemetry options (section <c>Telemetry</c>): message content capture.</summary>
    public TelemetryOptions Telemetry { get; } = new();

    /// <summary>
    /// Gets price overrides per model name (<c>SafeOpenAI:Pricing:&lt;model&gt;</c>), in USD per one
    /// million tokens; they win over the built-in <see cref="ModelPriceTable"/>.
    /// </summary>
    public IDictionary<string, ModelPrice> Pricing { get; } = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
}
