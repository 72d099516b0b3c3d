namespace SafeOpenAI;

/// <summary>
/// Options of <see cref="RiskDomainReviewValidator"/>: the risk domains whose answers a person
/// checks before they are shown. Read once, when the validator is created; not thread-safe to
/// mutate afterwards.
/// </summary>
/// <remarks>
/// The defaults follow OpenAI's usage policies, which ask for a qualified person's review before
/// tailored medical, financial or legal advice reaches people
/// (https://openai.com/policies/usage-policies), and add generated code, which a person should
/// read before it runs.
/// </remarks>
public sealed class RiskDomainReviewOptions
{
    /// <summary>
    /// Gets the risk domains (<see cref="SafeChatRequest.RiskDomain"/>) whose answers are held for
    /// review, compared without regard to case. Default: <c>healthcare</c>, <c>finance</c>,
    /// <c>legal</c>, <c>code_generation</c>. At least one; none empty.
    /// </summary>
    public ISet<string> Domains { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "healthcare",
        "finance",
        "legal",
        "code_generation",
    };
}
