using OpenAI.Chat;
using SafeOpenAI.Tests.Curated;

namespace SafeOpenAI.Tests.Integration;

/// <summary>Curated answers through the real OpenAI SDK and the local endpoint.</summary>
public class CuratedAnswerIntegrationTests
{
    [Test]
    public async Task A_curated_hit_completes_without_calling_the_model()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddCuratedAnswers(HelpCentre.KnowledgeBase));

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("How can I reset my password?"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
            Assert.That(result.Completion!.Content[0].Text, Is.EqualTo(HelpCentre.Articles[0].Body));
            Assert.That(result.Completion.FinishReason, Is.EqualTo(ChatFinishReason.Stop));
            Assert.That(result.Completion.Usage.TotalTokenCount, Is.Zero);
            Assert.That(result.Usage, Is.EqualTo(TokenUsage.Zero));
            Assert.That(result.CostUsd, Is.Zero);
            var verdict = result.Verdicts.Single(v => v.Code == "curated.answered");
            Assert.That(verdict.Evidence["article_id"], Is.EqualTo("reset-password"));
            Assert.That(result.Verdicts.Select(v => v.Code), Has.None.EqualTo("model.completed"));
            Assert.That(host.Endpoint.ChatRequests, Is.Empty, "the model is not called");
            Assert.That(host.Audit.Records.Single().Outcome, Is.EqualTo(AuditOutcome.Completed));
        });
    }

    [Test]
    public async Task A_curated_hit_works_through_the_drop_in_methods()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddCuratedAnswers(HelpCentre.KnowledgeBase));
        using var identity = AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("drop-in-user"));

        var asynchronous = await host.Client.CompleteChatAsync([ChatMessage.CreateUserMessage("What are the shipping times?")]);
        var synchronous = host.Client.CompleteChat([ChatMessage.CreateUserMessage("How can I reset my password?")]);

        Assert.That(asynchronous.Value.Content[0].Text, Is.EqualTo(HelpCentre.Articles[4].Body));
        Assert.That(asynchronous.Value.Role, Is.EqualTo(ChatMessageRole.Assistant));
        Assert.That(synchronous.Value.Content[0].Text, Is.EqualTo(HelpCentre.Articles[0].Body));
        Assert.That(host.Endpoint.ChatRequests, Is.Empty);
    }

    [Test]
    public async Task A_curated_hit_is_streamed_as_one_update()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddCuratedAnswers(HelpCentre.KnowledgeBase));
        using var identity = AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("streaming-user"));

        var updates = new List<StreamingChatCompletionUpdate>();
        await foreach (var update in host.Client.CompleteChatStreamingAsync([ChatMessage.CreateUserMessage("How can I reset my password?")]))
        {
            updates.Add(update);
        }

        Assert.That(string.Concat(updates.SelectMany(u => u.ContentUpdate).Select(p => p.Text)), Is.EqualTo(HelpCentre.Articles[0].Body));
        Assert.That(updates[^1].FinishReason, Is.EqualTo(ChatFinishReason.Stop));
        Assert.That(host.Endpoint.ChatRequests, Is.Empty);
    }

    [Test]
    public async Task A_miss_calls_the_model_with_the_close_articles_as_sources()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddCuratedAnswers(HelpCentre.KnowledgeBase, o => o.SourceThreshold = 0.2));

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Can I get a refund to my bitcoin wallet?"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
            Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(1));
            var body = host.Endpoint.ChatRequests[0].Body;
            Assert.That(body, Does.Contain("Article refund-policy: Refunds"));
            Assert.That(body, Does.Contain("You can get a refund within 14 days of purchase."));
            Assert.That(result.Verdicts.Single(v => v.Code == "curated.sources_added").Evidence["article_ids"], Does.StartWith("refund-policy"));
            Assert.That(result.Verdicts.Select(v => v.Code), Does.Contain("model.completed"));
            Assert.That(result.Usage!.TotalTokens, Is.GreaterThan(0));
        });
    }

    [Test]
    public async Task An_unrelated_question_goes_to_the_model_unchanged()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddCuratedAnswers(HelpCentre.KnowledgeBase));

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Write a haiku about autumn leaves."));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(host.Endpoint.ChatRequests.Single().Body, Does.Not.Contain("Article "));
        Assert.That(result.Verdicts.Select(v => v.Code), Has.None.StartsWith("curated."));
    }

    [Test]
    public async Task A_blocking_guard_before_the_router_still_blocks()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b
            .AddPiiRedaction(o => o.Operators[PiiEntityTypes.UsSsn] = PiiOperator.Block)
            .AddCuratedAnswers(HelpCentre.KnowledgeBase));

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Reset my password, my SSN is 460-89-9847"));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo("pii.blocked:US_SSN"));
    }
}
