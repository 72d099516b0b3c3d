namespace SafeOpenAI;

/// <summary>Registers <see cref="RiskDomainReviewValidator"/> in the SafeOpenAI pipeline.</summary>
public static class RiskDomainReviewBuilderExtensions
{
    /// <summary>
    /// Appends a <see cref="RiskDomainReviewValidator"/> after the output validators added before it:
    /// answers to requests that declare a listed <see cref="SafeChatRequest.RiskDomain"/> go to human
    /// review (<c>review.risk_domain</c>). Pair it with <c>UseHumanReview()</c>; without a queue such
    /// answers are withheld (<c>review.unavailable</c>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes the listed domains; <see langword="null"/> keeps healthcare, finance, legal and code_generation.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The RiskDomainReview defense is also switched on in configuration (<c>SafeOpenAI:Defenses:RiskDomainReview:Enabled</c>).</exception>
    /// <exception cref="ArgumentException">The configured domains are empty or hold an empty domain (thrown here, at registration).</exception>
    public static ISafeOpenAIBuilder AddRiskDomainReview(this ISafeOpenAIBuilder builder, Action<RiskDomainReviewOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ConfiguredDefenses.Mark(builder, ConfiguredDefenses.RiskDomainReview);
        var options = new RiskDomainReviewOptions();
        configure?.Invoke(options);
        var validator = new RiskDomainReviewValidator(options);
        return builder.AddOutputValidator(_ => validator);
    }
}
