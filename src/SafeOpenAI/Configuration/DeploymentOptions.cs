namespace SafeOpenAI;

/// <summary>
/// What the deployment declares about itself, bound from <c>SafeOpenAI:Deployment</c>: read by
/// <c>safeopenai check</c> and written into its "safety measures in force" document. Validated at
/// start; the pipeline acts on none of them, except <see cref="RiskDomains"/> as the default
/// domains of a risk-domain review switched on by <c>SafeOpenAI:Defenses:RiskDomainReview</c>.
/// Not thread-safe: set before the host starts and only read afterwards.
/// </summary>
public sealed class DeploymentOptions
{
    /// <summary>The key of <see cref="RiskDomains"/> relative to the <c>SafeOpenAI</c> section.</summary>
    internal const string RiskDomainsKey = "Deployment:RiskDomains";

    /// <summary>The key of <see cref="Purpose"/> under the <c>SafeOpenAI</c> section.</summary>
    internal const string PurposeKey = "Deployment:Purpose";

    /// <summary>Gets or sets the application's name in reports (<c>Name</c>); <see langword="null"/> when not declared.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets where safety incidents are reported (<c>IncidentContact</c>): an email address or an absolute http(s) URL; <see langword="null"/> when not declared.</summary>
    public string? IncidentContact { get; set; }

    /// <summary>Gets or sets where users report bad answers (<c>FeedbackChannel</c>): an email address or an absolute http(s) URL; <see langword="null"/> when not declared.</summary>
    public string? FeedbackChannel { get; set; }

    /// <summary>Gets or sets a value indicating whether the application sends source documents (retrieval-augmented generation), so that a groundedness check is expected (<c>UsesSources</c>). Default <see langword="false"/>.</summary>
    public bool UsesSources { get; set; }

    /// <summary>Gets or sets a value indicating whether the application offers the model tools (function calling, agents), so that a tool-call guard is expected (<c>UsesTools</c>). Default <see langword="false"/>.</summary>
    public bool UsesTools { get; set; }

    /// <summary>
    /// Gets or sets the application's purpose in one sentence (<c>Purpose</c>), for example
    /// "billing and account questions of Contoso customers"; <see langword="null"/> when not declared.
    /// Declaring it says the application serves a narrow scope, so <c>safeopenai check</c> expects
    /// the off-topic scope check (<c>SafeOpenAI:Defenses:OffTopic</c>) to be on, and that check uses it
    /// as its scope when <c>Defenses:OffTopic:AllowedScope</c> is not set. The guides' reason:
    /// OpenAI's safety best practices (https://platform.openai.com/docs/guides/safety-best-practices)
    /// ask whether the application "wanders off topic" and recommend narrowing inputs and outputs.
    /// </summary>
    public string? Purpose { get; set; }

    /// <summary>Gets the high-risk domains the application serves (<c>RiskDomains:&lt;n&gt;</c>), for example <c>healthcare</c>, <c>finance</c>, <c>legal</c>, <c>code_generation</c>. Empty by default; no entry may be blank.</summary>
    public IList<string> RiskDomains { get; } = new List<string>();

    /// <summary>Gets or sets the path of the latest <c>safeopenai redteam --format json</c> report (<c>RedTeamReport</c>), relative to the configuration file's folder; <see langword="null"/> when not declared.</summary>
    public string? RedTeamReport { get; set; }

    /// <summary>Gets or sets the highest per-category attack success rate the check accepts, as a share from 0 to 1 (<c>MaxAttackSuccessRate</c>). Default 0.05.</summary>
    public double MaxAttackSuccessRate { get; set; } = 0.05;

    /// <summary>Gets or sets how old the recorded red-team run may be, in days (<c>RedTeamMaxAgeDays</c>); at least 1. Default 30.</summary>
    public int RedTeamMaxAgeDays { get; set; } = 30;
}
