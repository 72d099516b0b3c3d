using System.ClientModel;
using System.ClientModel.Primitives;
using Moq;
using OpenAI.Moderations;
using ModerationOptions = SafeOpenAI.ModerationOptions;

namespace SafeOpenAI.Tests.Moderation;

/// <summary>The grey zone of <see cref="OpenAIModerationCheck"/>: <see cref="ModerationOptions.ReviewThreshold"/>.</summary>
public class ModerationReviewThresholdTests
{
    private static readonly SafetyRequest AnyRequest = new([SafetyMessage.FromText(MessageRole.User, "hi")], "gpt-4o");

    private static ModerationCategory Category(float score, bool flagged = false) => OpenAIModerationsModelFactory.ModerationCategory(flagged, score);

    private static ModerationResult Result(bool flagged, float selfHarm = 0.001f, float violence = 0.004f, bool violenceFlagged = false) =>
        OpenAIModerationsModelFactory.ModerationResult(
            flagged: flagged,
            hate: Category(0.001f),
            hateThreatening: Category(0.001f),
            harassment: Category(0.002f),
            harassmentThreatening: Category(0.001f),
            selfHarm: Category(selfHarm),
            selfHarmIntent: Category(0.001f),
            selfHarmInstructions: Category(0.001f),
            sexual: Category(0.003f),
            sexualMinors: Category(0.001f),
            violence: Category(violence, violenceFlagged),
            violenceGraphic: Category(0.001f),
            illicit: Category(0.001f),
            illicitViolent: Category(0.001f));

    private static async Task<SafetyVerdict> ModerateAsync(ModerationResult result, Action<ModerationOptions> configure, ModerationDirection direction = ModerationDirection.Input)
    {
        var client = new Mock<ModerationClient>(MockBehavior.Strict);
        client.Setup(c => c.ClassifyTextAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(ClientResult.FromValue(result, Mock.Of<PipelineResponse>()));
        var options = new ModerationOptions();
        configure(options);
        return await new OpenAIModerationCheck(client.Object, options).ModerateAsync(direction, [MessagePart.FromText("text")], AnyRequest, CancellationToken.None);
    }

    [Test]
    public async Task A_top_score_in_the_grey_zone_sends_the_call_to_review_with_the_score_as_evidence()
    {
        var verdict = await ModerateAsync(Result(false, selfHarm: 0.42f), o => o.ReviewThreshold = 0.4f, ModerationDirection.Output);

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Review));
            Assert.That(verdict.Code, Is.EqualTo("moderation.review:self-harm"));
            Assert.That(verdict.Stage, Is.EqualTo("OpenAIModeration"));
            Assert.That(verdict.Evidence["direction"], Is.EqualTo("output"));
            Assert.That(verdict.Evidence["top_category"], Is.EqualTo("self-harm"));
            Assert.That(verdict.Evidence["top_score"], Is.EqualTo("0.4200"));
            Assert.That(verdict.Evidence["review_threshold"], Is.EqualTo("0.4000"));
            Assert.That(verdict.Evidence["model"], Is.EqualTo("omni-moderation-latest"));
        });
    }

    [Test]
    public async Task The_threshold_itself_is_in_the_grey_zone_and_just_below_it_is_not()
    {
        var at = await ModerateAsync(Result(false, violence: 0.3f), o => o.ReviewThreshold = 0.3f);
        var below = await ModerateAsync(Result(false, violence: 0.2999f), o => o.ReviewThreshold = 0.3f);

        Assert.That(at.Action, Is.EqualTo(SafetyAction.Review));
        Assert.That(below.Action, Is.EqualTo(SafetyAction.Allow));
        Assert.That(below.Evidence["max_score"], Is.EqualTo("0.2999"));
    }

    [Test]
    public async Task A_block_wins_over_the_grey_zone()
    {
        var flagged = await ModerateAsync(Result(true, violence: 0.8f, violenceFlagged: true), o => o.ReviewThreshold = 0.3f);
        var overThreshold = await ModerateAsync(Result(false, violence: 0.6f), o =>
        {
            o.ReviewThreshold = 0.3f;
            o.CategoryThresholds["violence"] = 0.5f;
        });

        Assert.That(flagged.Code, Is.EqualTo("moderation.flagged:violence"));
        Assert.That(overThreshold.Code, Is.EqualTo("moderation.flagged:violence"));
        Assert.That(overThreshold.Action, Is.EqualTo(SafetyAction.Block));
    }

    [Test]
    public async Task Without_a_threshold_there_is_no_grey_zone()
    {
        var verdict = await ModerateAsync(Result(false, selfHarm: 0.49f), _ => { });

        Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Allow));
    }

    [Test]
    public void A_threshold_outside_0_to_1_or_not_below_a_block_threshold_is_refused()
    {
        var client = Mock.Of<ModerationClient>();

        Assert.That(() => new OpenAIModerationCheck(client, new ModerationOptions { ReviewThreshold = 1.2f }), Throws.ArgumentException.With.Message.Contains("between 0 and 1"));
        Assert.That(() => new OpenAIModerationCheck(client, new ModerationOptions { ReviewThreshold = float.NaN }), Throws.ArgumentException);
        var options = new ModerationOptions { ReviewThreshold = 0.5f };
        options.CategoryThresholds["hate"] = 0.5f;
        Assert.That(() => new OpenAIModerationCheck(client, options), Throws.ArgumentException.With.Message.Contains("'hate' is 0.5"));
    }
}
