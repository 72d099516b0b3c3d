namespace SafeOpenAI;

/// <summary>
/// Sends to human review every answer to a request that declares a listed risk domain
/// (<see cref="SafeChatRequest.RiskDomain"/>, for example <c>healthcare</c>): a Review verdict with
/// code <see cref="Code"/> and evidence <c>risk_domain</c> (the domain as listed in
/// <see cref="RiskDomainReviewOptions.Domains"/>). The answer is then held in the
/// <see cref="IHumanReviewQueue"/> (<c>UseHumanReview()</c>), or withheld with <c>review.unavailable</c>
/// when no queue is registered.
/// </summary>
/// <remarks>
/// It reads only the request: for other requests <see cref="GetScope"/> is
/// <see cref="OutputValidationScope.None"/> and the pipeline does not call it; for a listed domain
/// it asks for the whole answer, so a held-back stream releases nothing before the answer is held.
/// A stream in <see cref="StreamingMode.CutOff"/> mode has sent its text by then. Thread-safe.
/// </remarks>
public sealed class RiskDomainReviewValidator : IOutputValidator
{
    /// <summary>The code of the Review verdict: <c>review.risk_domain</c>.</summary>
    public const string Code = "review.risk_domain";

    private const string StageName = "RiskDomainReview";
    private const string HeldMessage = "This answer is checked by a person before it is shown.";

    private readonly HashSet<string> _domains;

    /// <summary>Creates the validator.</summary>
    /// <param name="options">The domains; read once.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException"><see cref="RiskDomainReviewOptions.Domains"/> is empty or holds an empty domain.</exception>
    public RiskDomainReviewValidator(RiskDomainReviewOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Domains.Count == 0)
        {
            throw new ArgumentException("RiskDomainReviewOptions.Domains lists no risk domain; list at least one, or do not add the risk domain review.", nameof(options));
        }

        if (options.Domains.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("RiskDomainReviewOptions.Domains holds an empty risk domain.", nameof(options));
        }

        _domains = new HashSet<string>(options.Domains.Select(static d => d.Trim()), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Gets the stage name: <c>RiskDomainReview</c>.</summary>
    public string Name => StageName;

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    public OutputValidationScope GetScope(SafetyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Listed(request) is null ? OutputValidationScope.None : OutputValidationScope.WholeAnswer;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or <paramref name="response"/> is null.</exception>
    public ValueTask<OutputValidationResult> ValidateAsync(SafetyRequest request, SafetyResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        cancellationToken.ThrowIfCancellationRequested();
        if (Listed(request) is not { } domain)
        {
            return ValueTask.FromResult(OutputValidationResult.Allow(StageName));
        }

        var verdict = new SafetyVerdict(StageName, SafetyAction.Review, Code, HeldMessage, new Dictionary<string, string>(1, StringComparer.Ordinal)
        {
            ["risk_domain"] = domain,
        });
        return ValueTask.FromResult(OutputValidationResult.FromVerdict(verdict));
    }

    /// <summary>The domain as listed (never the caller's spelling), or null when the request's domain is not listed.</summary>
    private string? Listed(SafetyRequest request) =>
        request.RiskDomain is { } declared && _domains.TryGetValue(declared.Trim(), out var listed) ? listed : null;
}
