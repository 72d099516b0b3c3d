using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using OpenAI.Chat;
using SafeOpenAI.Testing;
using SafeOpenAI.Tests.Integration;

namespace SafeOpenAI.Tests.Groundedness;

/// <summary>The groundedness check and the OpenAI judge end to end: the real OpenAI SDK over HTTP to the local endpoint.</summary>
public class GroundednessIntegrationTests
{
    private static readonly SourceDocument Policy = new("policy-4", "Tenants must give written notice at least two months before moving out. The deposit is returned within 30 days after the keys are handed back.");
    private static readonly SourceDocument Faq = new("faq-9", "Pets are allowed in ground-floor flats only.");

    private static SafeChatRequest Ask(string question, params SourceDocument[] sources) =>
        new([ChatMessage.CreateSystemMessage("Answer from the sources."), ChatMessage.CreateUserMessage(question)])
        {
            Identity = new SafetyIdentity("user-1", "session-1"),
            Sources = sources,
        };

    [Test]
    public async Task A_supported_answer_completes_with_citations_in_the_verdict()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddGroundednessCheck());
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("You must give written notice at least two months before moving out. Pets are allowed in ground-floor flats only."));

        var result = await host.Client.CompleteAsync(Ask("What are the rules?", Policy, Faq));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        var verdict = result.Verdicts.Single(v => v.Stage == "Groundedness");
        Assert.That(verdict.Code, Is.EqualTo(GroundednessValidator.SupportedCode));
        Assert.That(verdict.Evidence["claim.0.sources"], Is.EqualTo("policy-4"));
        Assert.That(verdict.Evidence["claim.1.sources"], Is.EqualTo("faq-9"));
        Assert.That(host.Audit.Records.Single().VerdictCodes, Does.Contain("Groundedness:" + GroundednessValidator.SupportedCode));
    }

    [Test]
    public async Task An_unsupported_answer_is_blocked_after_the_model_answered()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddGroundednessCheck());
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("You must give three months' notice. The deposit is returned within 30 days."));

        var result = await host.Client.CompleteAsync(Ask("How much notice?", Policy));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo(GroundednessValidator.UnsupportedCode));
        Assert.That(result.DecisiveVerdict.Evidence["unsupported_claims"], Is.EqualTo("0"));
        Assert.That(result.Completion, Is.Null);
        Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Review_policy_holds_the_answer_and_annotate_returns_it_with_the_verdict()
    {
        await using (var review = await IntegrationHost.StartAsync(build: b => b.AddGroundednessCheck(o => o.Policy = GroundednessPolicy.Review)))
        {
            review.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("The deposit is returned within 90 days."));

            var held = await review.Client.CompleteAsync(Ask("When do I get the deposit back?", Policy));

            Assert.That(held.Status, Is.Not.EqualTo(SafeChatStatus.Completed));
            Assert.That(held.Verdicts.Any(v => v.Code == GroundednessValidator.UnsupportedCode && v.Action == SafetyAction.Review), Is.True);
        }

        await using var annotate = await IntegrationHost.StartAsync(build: b => b.AddGroundednessCheck(o => o.Policy = GroundednessPolicy.Annotate));
        annotate.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("The deposit is returned within 90 days."));

        var annotated = await annotate.Client.CompleteAsync(Ask("When do I get the deposit back?", Policy));

        Assert.That(annotated.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(annotated.Completion!.Content[0].Text, Is.EqualTo("The deposit is returned within 90 days."));
        Assert.That(annotated.Verdicts.Single(v => v.Stage == "Groundedness").Code, Is.EqualTo(GroundednessValidator.UnsupportedCode));
    }

    [Test]
    public async Task A_request_without_sources_passes_the_check_untouched()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddGroundednessCheck());
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Paris has 2.1 million inhabitants."));

        var result = await host.Client.CompleteAsync(Ask("How big is Paris?"));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(result.Verdicts.Where(v => v.Stage == "Groundedness").Select(v => v.Code), Is.All.EqualTo(SafetyVerdict.AllowedCode));
    }

    [Test]
    public async Task The_judge_decides_an_unsettled_claim_through_a_strict_json_schema_call()
    {
        IntegrationHost? started = null;
        await using var host = started = await IntegrationHost.StartAsync(build: b => b.AddGroundednessCheck(
            judgeFactory: _ => new OpenAIGroundednessJudge(started!.Endpoint.CreateChatClient("gpt-4o-mini", maxRetries: 0))));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Tenants must give written notice at least two months before moving out. You need to tell the landlord in writing well ahead of leaving."));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("""{"claims":[{"index":1,"supported":true,"source_ids":["policy-4"]}]}"""));

        var result = await host.Client.CompleteAsync(Ask("How do I move out?", Policy));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        var verdict = result.Verdicts.Single(v => v.Stage == "Groundedness");
        Assert.That(verdict.Code, Is.EqualTo(GroundednessValidator.SupportedCode));
        Assert.That(verdict.Evidence["claim.0.decided_by"], Is.EqualTo("lexical"));
        Assert.That(verdict.Evidence["claim.1.decided_by"], Is.EqualTo("judge"));
        Assert.That(verdict.Evidence["claim.1.sources"], Is.EqualTo("policy-4"));
        Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(2));
        using var judgeRequest = JsonDocument.Parse(host.Endpoint.ChatRequests[1].Body);
        var format = judgeRequest.RootElement.GetProperty("response_format");
        Assert.That(format.GetProperty("type").GetString(), Is.EqualTo("json_schema"));
        Assert.That(format.GetProperty("json_schema").GetProperty("strict").GetBoolean(), Is.True);
        var prompt = judgeRequest.RootElement.GetProperty("messages")[1].GetProperty("content").ToString();
        Assert.That(prompt, Does.Contain("policy-4").And.Contain("1: You need to tell the landlord").And.Not.Contain("0: Tenants"));
    }

    [Test]
    public async Task The_judges_tokens_are_reserved_settled_and_reported_and_an_unasked_judge_costs_nothing()
    {
        IntegrationHost? started = null;
        await using var host = started = await IntegrationHost.StartAsync(
            o => o.Budget.Limits.Add(new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Day, Tokens = 1_000_000 }),
            b => b.AddGroundednessCheck(judgeFactory: _ => new OpenAIGroundednessJudge(started!.Endpoint.CreateChatClient("gpt-4.1-mini", maxRetries: 0))));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Tenants must give written notice at least two months before moving out. You need to tell the landlord in writing well ahead of leaving.").WithUsage(300, 30));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("""{"claims":[{"index":1,"supported":true,"source_ids":["policy-4"]}]}""").WithUsage(250, 20));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Tenants must give written notice at least two months before moving out.").WithUsage(300, 15));

        var judged = await host.Client.CompleteAsync(Ask("How do I move out?", Policy));
        var settledByLexicalCheck = await host.Client.CompleteAsync(Ask("How do I move out?", Policy));
        var usage = await host.Services.GetRequiredService<IBudgetUsageReader>().GetUsageAsync(BudgetScope.User, IntegrationHost.SafetyIdentifierOf("user-1"), BudgetWindow.Day, CancellationToken.None);

        Assert.Multiple(() =>
        {
            // gpt-4.1-mini lists at USD 0.40 in and 1.60 out per million tokens: 250 in and 20 out bill USD 0.000132.
            Assert.That(judged.StageModelUsages.Single(), Is.EqualTo(new StageModelUsage("Groundedness", "gpt-4.1-mini", new TokenUsage(250, 20), 0.000132m)));
            Assert.That(settledByLexicalCheck.StageModelUsages.Single().Usage, Is.EqualTo(TokenUsage.Zero), "the judge was not asked: its reservation settles at zero");
            Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(3));
            Assert.That((usage.Tokens, usage.HeldTokens), Is.EqualTo((330L + 270L + 315L, 0L)));
        });
    }

    [TestCase("""{"claims":[{"index":1,"supported":"yes"}]}""")]
    [TestCase("not json at all")]
    [TestCase("""{"claims":[]}""")]
    public async Task A_malformed_judge_answer_fails_closed(string judgeAnswer)
    {
        IntegrationHost? started = null;
        await using var host = started = await IntegrationHost.StartAsync(build: b => b.AddGroundednessCheck(
            judgeFactory: _ => new OpenAIGroundednessJudge(started!.Endpoint.CreateChatClient("gpt-4o-mini", maxRetries: 0))));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("You need to tell the landlord in writing well ahead of leaving."));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(judgeAnswer));

        var result = await host.Client.CompleteAsync(Ask("How do I move out?", Policy));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo(GroundednessValidator.UnsupportedCode));
        Assert.That(result.DecisiveVerdict.Evidence["judge"], Is.EqualTo("failed"));
    }

    [Test]
    public async Task The_judge_reports_a_malformed_answer_refusal_truncation_or_http_error_as_a_typed_failure()
    {
        await using var endpoint = await LocalOpenAIEndpoint.StartAsync();
        var judge = new OpenAIGroundednessJudge(endpoint.CreateChatClient("gpt-4o-mini", maxRetries: 0));
        GroundednessJudgeClaim[] claims = [new(0, "The deposit comes back within 30 days.")];
        SourceDocument[] sources = [Policy];

        endpoint.Chat.Enqueue(ScriptedChatResponse.Text("""{"claims":[{"index":0,"supported":true,"source_ids":["policy-4"]}]}"""));
        var ok = await judge.JudgeAsync(claims, sources, CancellationToken.None);
        Assert.That(ok.Single(), Is.EqualTo(new GroundednessJudgement(0, true, ok.Single().SourceIds)));
        Assert.That(ok.Single().SourceIds, Is.EqualTo(new[] { "policy-4" }));

        endpoint.Chat.Enqueue(ScriptedChatResponse.Text("{\"claims\": [ {\"index\": 0, "));
        Assert.That(async () => await judge.JudgeAsync(claims, sources, CancellationToken.None), Throws.TypeOf<GroundednessJudgeException>().With.Message.Contains("not valid JSON"));

        endpoint.Chat.Enqueue(ScriptedChatResponse.Text("""{"claims":[{"index":0,"supported":true,"source_ids":["policy-4"]}]}""").WithFinishReason("length"));
        Assert.That(async () => await judge.JudgeAsync(claims, sources, CancellationToken.None), Throws.TypeOf<GroundednessJudgeException>().With.Message.Contains("token cap"));

        endpoint.Chat.Enqueue(ScriptedChatResponse.Error(500));
        Assert.That(async () => await judge.JudgeAsync(claims, sources, CancellationToken.None), Throws.TypeOf<GroundednessJudgeException>().With.Message.Contains("HTTP 500"));
    }
}
