using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SafeOpenAI.Tests.Review;

/// <summary><c>SafeOpenAI:Review</c> and <c>SafeOpenAI:Moderation:ReviewThreshold</c> are validated when the host starts; each error names its key.</summary>
public class ReviewOptionsValidationTests
{
    private static string[] Failures(Dictionary<string, string?> values)
    {
        values["MyApp:Safety:ApiKey"] = "k";
        values["MyApp:Safety:Identity:HashKey"] = "review-validation-hash-key-0123456789";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSafeOpenAI(configuration.GetSection("MyApp:Safety"));
        using var provider = services.BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<IOptions<SafeOpenAIOptions>>().Value;
            return [];
        }
        catch (OptionsValidationException ex)
        {
            return ex.Failures.ToArray();
        }
    }

    [Test]
    public void Bad_review_values_are_reported_with_their_full_keys()
    {
        var failures = Failures(new()
        {
            ["MyApp:Safety:Review:Deadline"] = "00:00:00",
            ["MyApp:Safety:Review:EscalationDeadline"] = "-00:01:00",
            ["MyApp:Safety:Review:MaxEscalations"] = "0",
            ["MyApp:Safety:Review:ClaimTimeout"] = "8.00:00:00",
            ["MyApp:Safety:Review:PollInterval"] = "00:00:00.001",
            ["MyApp:Safety:Review:ReviewerRole"] = " ",
            ["MyApp:Safety:Review:MaxNoteCharacters"] = "0",
            ["MyApp:Safety:Review:MaterialKey"] = "too-short",
        });

        Assert.That(failures, Has.Some.Contain("MyApp:Safety:Review:Deadline must be a positive duration of at most 365 days (was 00:00:00)"));
        Assert.That(failures, Has.Some.Contain("MyApp:Safety:Review:EscalationDeadline must be a positive duration"));
        Assert.That(failures, Has.Some.Contain("MyApp:Safety:Review:MaxEscalations must be between 1 and 10 escalations (was 0)"));
        Assert.That(failures, Has.Some.Contain("MyApp:Safety:Review:ClaimTimeout must be a positive duration of at most 7 days"));
        Assert.That(failures, Has.Some.Contain("MyApp:Safety:Review:PollInterval must be between 10 milliseconds and 1 minute"));
        Assert.That(failures, Has.Some.Contain("MyApp:Safety:Review:ReviewerRole is required"));
        Assert.That(failures, Has.Some.Contain("MyApp:Safety:Review:MaxNoteCharacters must be between 1 and 100000 characters"));
        Assert.That(failures, Has.Some.Contain("MyApp:Safety:Review:MaterialKey must be 32 random bytes, base64-encoded"));
        Assert.That(failures.Count(f => f.Contains(":Review:", StringComparison.Ordinal)), Is.EqualTo(8));
        Assert.That(failures, Has.None.Contain("too-short"), "a key is never echoed");
    }

    [Test]
    public void The_defaults_and_a_valid_key_pass()
    {
        var errors = new List<string>();

        SafeOpenAIOptionsValidator.ValidateReview(new HumanReviewOptions(), key => key, errors);
        SafeOpenAIOptionsValidator.ValidateReview(new HumanReviewOptions { MaterialKey = Convert.ToBase64String(new byte[32]) }, key => key, errors);

        Assert.That(errors, Is.Empty);
        Assert.That(Failures(new()), Is.Empty);
    }

    [Test]
    public void A_moderation_review_threshold_must_be_a_score_below_every_block_threshold()
    {
        var outOfRange = Failures(new() { ["MyApp:Safety:Moderation:ReviewThreshold"] = "1.5" });
        var aboveABlock = Failures(new()
        {
            ["MyApp:Safety:Moderation:ReviewThreshold"] = "0.6",
            ["MyApp:Safety:Moderation:CategoryThresholds:violence"] = "0.5",
            ["MyApp:Safety:Moderation:CategoryThresholds:hate"] = "0.9",
        });
        var fine = Failures(new()
        {
            ["MyApp:Safety:Moderation:ReviewThreshold"] = "0.3",
            ["MyApp:Safety:Moderation:CategoryThresholds:violence"] = "0.5",
        });

        Assert.That(outOfRange, Is.EqualTo(new[] { "MyApp:Safety:Moderation:ReviewThreshold must be between 0 and 1 (was 1.5)." }));
        Assert.That(aboveABlock.Single(), Does.Contain("MyApp:Safety:Moderation:ReviewThreshold (0.6) must be below every block threshold")
            .And.Contain("MyApp:Safety:Moderation:CategoryThresholds:violence is 0.5"));
        Assert.That(fine, Is.Empty);
    }
}
