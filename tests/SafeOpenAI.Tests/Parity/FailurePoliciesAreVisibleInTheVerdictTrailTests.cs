using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;
using SafeOpenAI.Testing;
using SafeOpenAI.Tests.Integration;

namespace SafeOpenAI.Tests.Parity;

/// <summary>
/// Every stage that depends on a service or a model can fail; when it does, the verdict trail
/// carries the failure's code and the policy that decided it (<c>failure_policy</c>), and the
/// default is the documented one (docs/failure-policies.md). Each dependency fails for real:
/// the local endpoint answers 500 or out of format, a store throws.
/// OpenAI Guardrails lets a failing check pass by default, silently.
/// </summary>
public class FailurePoliciesAreVisibleInTheVerdictTrailTests
{
    private const string FailurePolicy = "failure_policy";

    [Test]
    public async Task Input_moderation_that_fails_blocks_by_default_and_says_so()
    {
        await using var host = await IntegrationHost.StartAsync();
        host.Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Error(500));

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("What is the capital of France?"));

        var verdict = result.DecisiveVerdict!;
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
            Assert.That(verdict.Code, Is.EqualTo(OpenAIModerationCheck.UnavailableCode));
            Assert.That(verdict.Phase, Is.EqualTo(SafetyPhase.InputModeration));
            Assert.That(verdict.Evidence[FailurePolicy], Is.EqualTo("fail_closed"));
            Assert.That(verdict.Evidence["http_status"], Is.EqualTo("500"));
            Assert.That(host.Endpoint.ChatRequests, Is.Empty);
        });
    }

    [Test]
    public async Task Input_moderation_that_fails_under_FailOpen_lets_the_call_through_and_says_so()
    {
        await using var host = await IntegrationHost.StartAsync(o => o.Moderation.FailurePolicy = ModerationFailurePolicy.FailOpen);
        host.Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Error(500));

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("What is the capital of France?"));

        var failed = result.Verdicts.Single(v => v.Code == OpenAIModerationCheck.FailedOpenCode);
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
            Assert.That(failed.Action, Is.EqualTo(SafetyAction.Allow));
            Assert.That(failed.Evidence[FailurePolicy], Is.EqualTo("fail_open"));
            Assert.That(host.Audit.Records.Single().VerdictCodes, Does.Contain(failed.Stage + ":" + OpenAIModerationCheck.FailedOpenCode));
        });
    }

    [Test]
    public async Task Output_moderation_that_answers_out_of_format_withholds_the_answer_and_says_so()
    {
        await using var host = await IntegrationHost.StartAsync();
        host.Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Clean());
        host.Endpoint.Moderation.Enqueue(ScriptedModerationResponse.MalformedJson());

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("What is the capital of France?"));

        var verdict = result.DecisiveVerdict!;
        Assert.Multiple(() =>
        {
            Assert.That((result.Status, verdict.Code, verdict.Phase), Is.EqualTo((SafeChatStatus.Blocked, OpenAIModerationCheck.UnavailableCode, SafetyPhase.OutputModeration)));
            Assert.That(verdict.Evidence[FailurePolicy], Is.EqualTo("fail_closed"));
            Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(1), "the model answered; its answer was not shown unchecked");
        });
    }

    [Test]
    public async Task The_model_injection_classifier_that_answers_out_of_format_fails_open_by_default_and_says_so()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddModelInjectionClassifier(InnerChatClient));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("I think it is fine."));

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("What is the capital of France?"));

        var failed = result.Verdicts.Single(v => v.Stage == "ModelInjectionClassifier");
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
            Assert.That((failed.Action, failed.Code), Is.EqualTo((SafetyAction.Allow, ModelInjectionClassifier.FailedOpenCode)));
            Assert.That(failed.Evidence["reason"], Is.EqualTo("malformed"));
            Assert.That(failed.Evidence[FailurePolicy], Is.EqualTo("fail_open"));
        });
    }

    [Test]
    public async Task The_model_injection_classifier_that_fails_under_FailClosed_blocks_and_says_so()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddModelInjectionClassifier(InnerChatClient, o => o.FailClosed = true));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Error(500));

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("What is the capital of France?"));

        var verdict = result.DecisiveVerdict!;
        Assert.Multiple(() =>
        {
            Assert.That((result.Status, verdict.Code), Is.EqualTo((SafeChatStatus.Blocked, ModelInjectionClassifier.UnavailableCode)));
            Assert.That(verdict.Evidence["reason"], Is.EqualTo("error"));
            Assert.That(verdict.Evidence[FailurePolicy], Is.EqualTo("fail_closed"));
            Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(1), "only the classifier's request; the model was never called");
        });
    }

    [Test]
    public async Task A_groundedness_judge_that_answers_out_of_format_counts_the_claims_unsupported_and_says_so()
    {
        IntegrationHost? started = null;
        await using var host = started = await IntegrationHost.StartAsync(build: b => b.AddGroundednessCheck(
            judgeFactory: _ => new OpenAIGroundednessJudge(started!.Endpoint.CreateChatClient("gpt-4o-mini", maxRetries: 0))));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("You need to tell the landlord in writing well ahead of leaving."));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("not json at all"));
        var request = new SafeChatRequest([ChatMessage.CreateSystemMessage("Answer from the sources."), ChatMessage.CreateUserMessage("How do I move out?")])
        {
            Identity = new SafetyIdentity("user-1", "session-1"),
            Sources = [new SourceDocument("policy-4", "Tenants must give written notice at least two months before moving out.")],
        };

        var result = await host.Client.CompleteAsync(request);

        var verdict = result.DecisiveVerdict!;
        Assert.Multiple(() =>
        {
            Assert.That((result.Status, verdict.Code), Is.EqualTo((SafeChatStatus.Blocked, GroundednessValidator.UnsupportedCode)));
            Assert.That(verdict.Evidence["judge"], Is.EqualTo("failed"));
            Assert.That(verdict.Evidence[FailurePolicy], Is.EqualTo("treat_as_unsupported"));
        });
    }

    [Test]
    public async Task A_budget_tracker_that_fails_blocks_before_anything_is_sent_and_says_so()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.UseBudgetTracker(_ => new UnreachableBudgetTracker()));

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("What is the capital of France?"));

        var verdict = result.DecisiveVerdict!;
        Assert.Multiple(() =>
        {
            Assert.That((result.Status, verdict.Code, verdict.Phase), Is.EqualTo((SafeChatStatus.Blocked, BudgetCodes.Unavailable, SafetyPhase.Budget)));
            Assert.That(verdict.Evidence["error"], Is.EqualTo(nameof(IOException)));
            Assert.That(verdict.Evidence[FailurePolicy], Is.EqualTo("fail_closed"));
            Assert.That(host.Endpoint.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task A_review_store_that_fails_withholds_the_answer_and_says_so()
    {
        var asksForReview = new FakeOutputValidator("Reviewer")
        {
            Result = OutputValidationResult.FromVerdict(new SafetyVerdict("Reviewer", SafetyAction.Review, "review.requested")),
        };
        await using var host = await IntegrationHost.StartAsync(build: b =>
        {
            b.Services.AddSingleton<IReviewStore, UnreachableReviewStore>();
            b.UseHumanReview();
            b.AddOutputValidator(_ => asksForReview);
        });

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("What is the capital of France?"));

        var verdict = result.DecisiveVerdict!;
        Assert.Multiple(() =>
        {
            Assert.That((result.Status, verdict.Code, verdict.Phase), Is.EqualTo((SafeChatStatus.Blocked, "review.unavailable", SafetyPhase.Review)));
            Assert.That(verdict.Evidence["review_code"], Is.EqualTo("review.requested"));
            Assert.That(verdict.Evidence[FailurePolicy], Is.EqualTo("fail_closed"));
            Assert.That(result.Completion, Is.Null, "the held answer never reaches the caller");
        });
    }

    private static ChatClient InnerChatClient(IServiceProvider services) =>
        services.GetRequiredKeyedService<ChatClient>(SafeOpenAIServiceKeys.Inner);

    /// <summary>A budget store that cannot be reached.</summary>
    private sealed class UnreachableBudgetTracker : IBudgetTracker
    {
        public string Name => "UnreachableBudget";

        public ValueTask<BudgetReservation> ReserveAsync(BudgetRequest request, CancellationToken cancellationToken) => throw new IOException("budget store unreachable");

        public ValueTask SettleAsync(BudgetReservation reservation, TokenUsage usage, decimal? costUsd, CancellationToken cancellationToken) => throw new IOException("budget store unreachable");

        public ValueTask ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken) => throw new IOException("budget store unreachable");
    }

    /// <summary>A review store whose database is down.</summary>
    private sealed class UnreachableReviewStore : IReviewStore
    {
        public Task AddAsync(ReviewRecord record, CancellationToken cancellationToken) => throw new IOException("review store unreachable");

        public Task<ReviewRecord?> GetAsync(string reviewId, CancellationToken cancellationToken) => throw new IOException("review store unreachable");

        public Task<IReadOnlyList<ReviewRecord>> ListAsync(ReviewListQuery query, CancellationToken cancellationToken) => throw new IOException("review store unreachable");

        public Task<bool> TryReplaceAsync(ReviewRecord updated, long expectedVersion, CancellationToken cancellationToken) => throw new IOException("review store unreachable");
    }
}
