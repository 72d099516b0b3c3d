using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SafeOpenAI.Tests.Integration;

namespace SafeOpenAI.Tests.Configuration;

/// <summary>The deployment declarations (<c>SafeOpenAI:Deployment</c>): bound and validated at start.</summary>
public class DeploymentOptionsTests
{
    private static ServiceProvider Provider(params (string Key, string? Value)[] deployment) =>
        ConfiguredHost.Register(ConfiguredHost.Settings([("SafeOpenAI:ApiKey", "k"), .. deployment.Select(d => ("SafeOpenAI:Deployment:" + d.Key, d.Value))])).BuildServiceProvider();

    private static IEnumerable<string> Failures(params (string Key, string? Value)[] deployment)
    {
        using var provider = Provider(deployment);
        return Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<SafeOpenAIOptions>>().Value)!.Failures;
    }

    [Test]
    public void Declarations_are_bound_with_their_defaults()
    {
        using var declared = Provider(
            ("Name", "Contoso Travel assistant"),
            ("IncidentContact", "safety@contoso.com"),
            ("FeedbackChannel", "https://contoso.com/feedback"),
            ("UsesSources", "true"),
            ("RiskDomains:0", "finance"),
            ("RiskDomains:1", "legal"),
            ("RedTeamReport", "reports/redteam.json"),
            ("MaxAttackSuccessRate", "0.02"),
            ("RedTeamMaxAgeDays", "14"));
        using var defaults = Provider();

        var options = declared.GetRequiredService<IOptions<SafeOpenAIOptions>>().Value.Deployment;
        var unset = defaults.GetRequiredService<IOptions<SafeOpenAIOptions>>().Value.Deployment;

        Assert.Multiple(() =>
        {
            Assert.That(options.Name, Is.EqualTo("Contoso Travel assistant"));
            Assert.That(options.IncidentContact, Is.EqualTo("safety@contoso.com"));
            Assert.That(options.FeedbackChannel, Is.EqualTo("https://contoso.com/feedback"));
            Assert.That(options.UsesSources, Is.True);
            Assert.That(options.RiskDomains, Is.EqualTo(new[] { "finance", "legal" }));
            Assert.That(options.RedTeamReport, Is.EqualTo("reports/redteam.json"));
            Assert.That(options.MaxAttackSuccessRate, Is.EqualTo(0.02));
            Assert.That(options.RedTeamMaxAgeDays, Is.EqualTo(14));
            Assert.That(unset.Name, Is.Null);
            Assert.That(unset.UsesSources, Is.False);
            Assert.That(unset.RiskDomains, Is.Empty);
            Assert.That(unset.MaxAttackSuccessRate, Is.EqualTo(0.05));
            Assert.That(unset.RedTeamMaxAgeDays, Is.EqualTo(30));
        });
    }

    [TestCase("IncidentContact", "call Bob on 555-0100")]
    [TestCase("IncidentContact", "ftp://contoso.com/incidents")]
    [TestCase("IncidentContact", "/incidents")]
    [TestCase("FeedbackChannel", "Bob <bob@contoso.com>")]
    [TestCase("FeedbackChannel", "mailto")]
    public void A_contact_that_is_neither_an_email_address_nor_a_web_address_is_named(string key, string value)
    {
        Assert.That(Failures((key, value)), Has.One.EqualTo($"SafeOpenAI:Deployment:{key} must be an email address or an absolute http or https URL (was '{value}')."));
    }

    [TestCase("safety@contoso.com")]
    [TestCase("https://contoso.com/security")]
    [TestCase("http://intranet.contoso.local/report")]
    public void Email_addresses_and_web_addresses_are_accepted_as_contacts(string value)
    {
        using var provider = Provider(("IncidentContact", value), ("FeedbackChannel", value));

        Assert.That(provider.GetRequiredService<IOptions<SafeOpenAIOptions>>().Value.Deployment.IncidentContact, Is.EqualTo(value));
    }

    [Test]
    public void Out_of_range_numbers_and_blank_domains_are_named()
    {
        var failures = Failures(("MaxAttackSuccessRate", "1.5"), ("RedTeamMaxAgeDays", "0"), ("RiskDomains:0", "finance"), ("RiskDomains:1", " "));

        Assert.That(failures, Has.One.StartsWith("SafeOpenAI:Deployment:MaxAttackSuccessRate must be a share from 0 to 1 (was 1.5)"));
        Assert.That(failures, Has.One.StartsWith("SafeOpenAI:Deployment:RedTeamMaxAgeDays must be at least 1 day (was 0)"));
        Assert.That(failures, Has.One.StartsWith("SafeOpenAI:Deployment:RiskDomains:1 is blank"));
        Assert.That(failures.Count(), Is.EqualTo(3));
    }

    [Test]
    public void A_negative_attack_success_rate_is_named()
    {
        Assert.That(Failures(("MaxAttackSuccessRate", "-0.1")), Has.One.StartsWith("SafeOpenAI:Deployment:MaxAttackSuccessRate"));
    }
}
