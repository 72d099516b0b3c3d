using Moq;

namespace SafeOpenAI.Tests.Groundedness;

/// <summary>The validator with a judge (a Moq double): who decides which claim, and what a failing judge does.</summary>
public class GroundednessJudgeModeTests
{
    private static readonly SourceDocument Source = new("hr-1", "Employees accrue 1.5 days of paid leave per month of service. Unused leave of up to 10 days can be carried over.");

    // Claim 0 is fully in the source (settled supported), claim 1 misses a number (settled unsupported),
    // claim 2 is a paraphrase with words the source lacks (unsettled: the judge decides).
    private const string Answer = "Unused leave of up to 10 days can be carried over. Up to 15 days can be carried over. You earn paid leave for every month you work.";

    private static Task<OutputValidationResult> ValidateAsync(IGroundednessJudge judge, GroundednessOptions? options = null) =>
        new GroundednessValidator(options ?? new GroundednessOptions(), judge)
            .ValidateAsync(GroundednessValidatorTests.Request("How does leave work?", Source), GroundednessValidatorTests.Answer(Answer), CancellationToken.None).AsTask();

    [Test]
    public async Task The_judge_decides_only_the_claims_the_lexical_check_cannot_settle()
    {
        var judge = new Mock<IGroundednessJudge>(MockBehavior.Strict);
        IReadOnlyList<GroundednessJudgeClaim>? asked = null;
        judge.Setup(j => j.JudgeAsync(It.IsAny<IReadOnlyList<GroundednessJudgeClaim>>(), It.IsAny<IReadOnlyList<SourceDocument>>(), It.IsAny<CancellationToken>()))
            .Callback<IReadOnlyList<GroundednessJudgeClaim>, IReadOnlyList<SourceDocument>, CancellationToken>((claims, _, _) => asked = claims)
            .ReturnsAsync([new GroundednessJudgement(2, true, ["hr-1"])]);

        var verdict = (await ValidateAsync(judge.Object)).Verdict;

        Assert.That(asked!.Select(c => c.Index), Is.EqualTo(new[] { 2 }));
        Assert.That(asked![0].Text, Is.EqualTo("You earn paid leave for every month you work."));
        Assert.That(verdict.Code, Is.EqualTo(GroundednessValidator.UnsupportedCode), "claim 1 stays unsupported: its number is in no source");
        Assert.That(verdict.Evidence["unsupported_claims"], Is.EqualTo("1"));
        Assert.That(verdict.Evidence["claim.0.decided_by"], Is.EqualTo("lexical"));
        Assert.That(verdict.Evidence["claim.1.decided_by"], Is.EqualTo("lexical"));
        Assert.That(verdict.Evidence["claim.2.decided_by"], Is.EqualTo("judge"));
        Assert.That(verdict.Evidence["claim.2.status"], Is.EqualTo("supported"));
        Assert.That(verdict.Evidence["claim.2.sources"], Is.EqualTo("hr-1"));
        Assert.That(verdict.Evidence["mode"], Is.EqualTo("judge"));
        Assert.That(verdict.Evidence["judge"], Is.EqualTo("ok"));
        Assert.That(verdict.Evidence["judged_claims"], Is.EqualTo("1"));
    }

    [Test]
    public async Task A_judge_that_says_unsupported_makes_the_claim_unsupported()
    {
        var judge = new Mock<IGroundednessJudge>();
        judge.Setup(j => j.JudgeAsync(It.IsAny<IReadOnlyList<GroundednessJudgeClaim>>(), It.IsAny<IReadOnlyList<SourceDocument>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([new GroundednessJudgement(2, false, [])]);

        var verdict = (await ValidateAsync(judge.Object)).Verdict;

        Assert.That(verdict.Evidence["unsupported_claims"], Is.EqualTo("1,2"));
    }

    [Test]
    public async Task A_failing_judge_leaves_its_claims_unsupported_by_default()
    {
        var judge = new Mock<IGroundednessJudge>();
        judge.Setup(j => j.JudgeAsync(It.IsAny<IReadOnlyList<GroundednessJudgeClaim>>(), It.IsAny<IReadOnlyList<SourceDocument>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new GroundednessJudgeException("The judge's answer is not valid JSON."));

        var verdict = (await ValidateAsync(judge.Object, new GroundednessOptions { Policy = GroundednessPolicy.Review })).Verdict;

        Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Review));
        Assert.That(verdict.Evidence["judge"], Is.EqualTo("failed"));
        Assert.That(verdict.Evidence["claim.2.status"], Is.EqualTo("unsupported"));
    }

    [Test]
    public void A_failing_judge_throws_when_configured_to()
    {
        var judge = new Mock<IGroundednessJudge>();
        judge.Setup(j => j.JudgeAsync(It.IsAny<IReadOnlyList<GroundednessJudgeClaim>>(), It.IsAny<IReadOnlyList<SourceDocument>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new GroundednessJudgeException("The judge model refused."));

        var ex = Assert.ThrowsAsync<GroundednessJudgeException>(() => ValidateAsync(judge.Object, new GroundednessOptions { JudgeFailure = GroundednessJudgeFailureMode.Throw }));

        Assert.That(ex!.Message, Does.Contain("refused"));
    }

    [TestCase(7, "hr-1")]
    [TestCase(2, "made-up-source")]
    public async Task A_judgement_about_another_claim_or_an_unknown_source_is_a_failure(int index, string sourceId)
    {
        var judge = new Mock<IGroundednessJudge>();
        judge.Setup(j => j.JudgeAsync(It.IsAny<IReadOnlyList<GroundednessJudgeClaim>>(), It.IsAny<IReadOnlyList<SourceDocument>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([new GroundednessJudgement(index, true, [sourceId])]);

        var verdict = (await ValidateAsync(judge.Object)).Verdict;

        Assert.That(verdict.Evidence["judge"], Is.EqualTo("failed"));
        Assert.That(verdict.Evidence["claim.2.status"], Is.EqualTo("unsupported"));
    }

    [Test]
    public async Task The_judge_is_not_called_when_every_claim_is_settled()
    {
        var judge = new Mock<IGroundednessJudge>(MockBehavior.Strict);

        var result = await new GroundednessValidator(new GroundednessOptions(), judge.Object).ValidateAsync(
            GroundednessValidatorTests.Request("How does leave work?", Source),
            GroundednessValidatorTests.Answer("Unused leave of up to 10 days can be carried over."),
            CancellationToken.None);

        Assert.That(result.Verdict.Code, Is.EqualTo(GroundednessValidator.SupportedCode));
        Assert.That(result.Verdict.Evidence.ContainsKey("judge"), Is.False);
    }
}
