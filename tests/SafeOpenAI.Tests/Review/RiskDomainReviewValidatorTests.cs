using Microsoft.Extensions.DependencyInjection;

namespace SafeOpenAI.Tests.Review;

public class RiskDomainReviewValidatorTests
{
    private static readonly SafetyResponse Answer = new([MessagePart.FromText("Take two tablets.")], usage: null, finishReason: "stop");

    private static SafetyRequest Request(string? riskDomain) =>
        new([SafetyMessage.FromText(MessageRole.User, "How many tablets?")], "gpt-4o-mini") { RiskDomain = riskDomain };

    [TestCase("healthcare", "healthcare")]
    [TestCase("Finance", "finance")]
    [TestCase(" LEGAL ", "legal")]
    [TestCase("code_generation", "code_generation")]
    public async Task A_listed_domain_sends_the_answer_to_review_with_the_domain_as_listed(string declared, string listed)
    {
        var validator = new RiskDomainReviewValidator(new RiskDomainReviewOptions());

        var result = await validator.ValidateAsync(Request(declared), Answer, CancellationToken.None);

        Assert.That(validator.GetScope(Request(declared)), Is.EqualTo(OutputValidationScope.WholeAnswer));
        Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Review));
        Assert.That(result.Verdict.Code, Is.EqualTo("review.risk_domain"));
        Assert.That(result.Verdict.Stage, Is.EqualTo("RiskDomainReview"));
        Assert.That(result.Verdict.Evidence, Is.EquivalentTo(new Dictionary<string, string> { ["risk_domain"] = listed }));
        Assert.That(result.Verdict.UserMessage, Is.Not.Empty);
        Assert.That(result.RewrittenResponse, Is.Null);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("travel")]
    [TestCase("health")]
    public async Task Other_requests_are_not_looked_at(string? declared)
    {
        var validator = new RiskDomainReviewValidator(new RiskDomainReviewOptions());

        var result = await validator.ValidateAsync(Request(declared), Answer, CancellationToken.None);

        Assert.That(validator.GetScope(Request(declared)), Is.EqualTo(OutputValidationScope.None));
        Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Allow));
    }

    [Test]
    public async Task The_domains_are_configurable_and_read_once()
    {
        var options = new RiskDomainReviewOptions();
        options.Domains.Clear();
        options.Domains.Add("Insurance");
        var validator = new RiskDomainReviewValidator(options);
        options.Domains.Add("healthcare");

        var insurance = await validator.ValidateAsync(Request("insurance"), Answer, CancellationToken.None);
        var healthcare = await validator.ValidateAsync(Request("healthcare"), Answer, CancellationToken.None);

        Assert.That(insurance.Verdict.Evidence["risk_domain"], Is.EqualTo("Insurance"));
        Assert.That(healthcare.Verdict.Action, Is.EqualTo(SafetyAction.Allow));
    }

    [Test]
    public void No_domain_or_an_empty_one_is_refused()
    {
        var empty = new RiskDomainReviewOptions();
        empty.Domains.Clear();
        var blank = new RiskDomainReviewOptions();
        blank.Domains.Add(" ");

        Assert.That(() => new RiskDomainReviewValidator(empty), Throws.ArgumentException.With.Message.Contains("lists no risk domain"));
        Assert.That(() => new RiskDomainReviewValidator(blank), Throws.ArgumentException.With.Message.Contains("empty risk domain"));
        Assert.That(() => new ServiceCollection().AddSafeOpenAI(_ => { }).AddRiskDomainReview(o => o.Domains.Clear()), Throws.ArgumentException);
    }

    [Test]
    public void The_default_domains_are_the_four_high_stakes_ones()
    {
        Assert.That(new RiskDomainReviewOptions().Domains, Is.EquivalentTo(new[] { "healthcare", "finance", "legal", "code_generation" }));
    }
}
