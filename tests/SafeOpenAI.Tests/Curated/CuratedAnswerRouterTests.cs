namespace SafeOpenAI.Tests.Curated;

public class CuratedAnswerRouterTests
{
    private static SafetyRequest Request(params SafetyMessage[] messages) => new(messages, "gpt-4o-mini");

    private static ValueTask<InputGuardResult> InspectAsync(SafetyRequest request, Action<CuratedAnswerOptions>? configure = null)
    {
        var options = new CuratedAnswerOptions();
        configure?.Invoke(options);
        return new CuratedAnswerRouter(HelpCentre.KnowledgeBase, options).InspectAsync(request, CancellationToken.None);
    }

    [Test]
    public async Task A_confident_match_answers_with_the_article_body()
    {
        var result = await InspectAsync(Request(
            SafetyMessage.FromText(MessageRole.System, "You are the help desk."),
            SafetyMessage.FromText(MessageRole.User, "How can I reset my password?")));

        Assert.Multiple(() =>
        {
            Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Allow));
            Assert.That(result.Verdict.Code, Is.EqualTo("curated.answered"));
            Assert.That(result.Verdict.Evidence["article_id"], Is.EqualTo("reset-password"));
            Assert.That(double.Parse(result.Verdict.Evidence["confidence"], System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThanOrEqualTo(0.7));
            Assert.That(result.Answer!.Text, Is.EqualTo(HelpCentre.Articles[0].Body));
            Assert.That(result.Answer.Usage, Is.EqualTo(TokenUsage.Zero));
            Assert.That(result.RewrittenMessages, Is.Null);
        });
    }

    [Test]
    public async Task A_partial_match_adds_the_article_as_a_source_and_a_system_message()
    {
        // "refund" is in the knowledge base, "bitcoin" and "wallet" are not: a source, not an answer.
        var request = Request(
            SafetyMessage.FromText(MessageRole.System, "You are the help desk."),
            SafetyMessage.FromText(MessageRole.User, "Can I get a refund to my bitcoin wallet?"));

        var result = await InspectAsync(request, o => o.SourceThreshold = 0.2);

        Assert.Multiple(() =>
        {
            Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Rewrite));
            Assert.That(result.Verdict.Code, Is.EqualTo("curated.sources_added"));
            Assert.That(result.Verdict.Evidence["article_ids"], Does.StartWith("refund-policy"));
            Assert.That(result.Answer, Is.Null);
            Assert.That(result.RewrittenSources!.Select(s => s.Id), Does.Contain("refund-policy"));
            var messages = result.RewrittenMessages!;
            Assert.That(messages, Has.Count.EqualTo(3));
            Assert.That(messages[0].Text, Is.EqualTo("You are the help desk."));
            Assert.That(messages[1].Role, Is.EqualTo(MessageRole.System));
            Assert.That(messages[1].Text, Does.Contain("Article refund-policy: Refunds\nYou can get a refund within 14 days"));
            Assert.That(messages[2].Role, Is.EqualTo(MessageRole.User));
            Assert.That(result.Verdict.Evidence.Values, Has.None.Contains("bitcoin"));
        });
    }

    [Test]
    public async Task Articles_can_be_given_as_sources_only()
    {
        var request = Request(SafetyMessage.FromText(MessageRole.User, "Can I get a refund to my bitcoin wallet?"));
        request = request.WithSources([new SourceDocument("rag-1", "An existing source.")]);

        var result = await InspectAsync(request, o => { o.SourceThreshold = 0.2; o.InlineArticles = false; });

        Assert.That(result.RewrittenMessages, Is.SameAs(request.Messages));
        Assert.That(result.RewrittenSources!.Select(s => s.Id), Is.EqualTo(new[] { "rag-1", "refund-policy" }));
    }

    [Test]
    public async Task An_unrelated_question_is_allowed_unchanged()
    {
        var result = await InspectAsync(Request(SafetyMessage.FromText(MessageRole.User, "Write a haiku about autumn leaves.")));

        Assert.That(result.Verdict.Code, Is.EqualTo(SafetyVerdict.AllowedCode));
        Assert.That(result.Answer, Is.Null);
        Assert.That(result.RewrittenMessages, Is.Null);
    }

    [Test]
    public async Task A_request_for_structured_output_is_left_to_the_model()
    {
        var request = new SafetyRequest([SafetyMessage.FromText(MessageRole.User, "How can I reset my password?")], "gpt-4o-mini")
        {
            ResponseSchema = new JsonResponseSchema("steps", """{"type":"object","properties":{"steps":{"type":"array","items":{"type":"string"}}},"required":["steps"],"additionalProperties":false}""", strict: true),
        };

        var result = await InspectAsync(request);

        Assert.That(result.Verdict.Code, Is.EqualTo(SafetyVerdict.AllowedCode));
        Assert.That(result.Answer, Is.Null);
    }

    [Test]
    public async Task Only_the_last_user_message_is_the_query()
    {
        var result = await InspectAsync(Request(
            SafetyMessage.FromText(MessageRole.User, "How can I reset my password?"),
            SafetyMessage.FromText(MessageRole.Assistant, "Open Settings, choose Security and select Reset password."),
            SafetyMessage.FromText(MessageRole.User, "Thanks! Now write a haiku about autumn leaves.")));

        Assert.That(result.Verdict.Code, Is.EqualTo(SafetyVerdict.AllowedCode));
    }

    [Test]
    public async Task The_thresholds_decide_between_answer_sources_and_nothing()
    {
        var request = Request(SafetyMessage.FromText(MessageRole.User, "password settings"));
        var confidence = HelpCentre.KnowledgeBase.Search("password settings")[0].Confidence;
        Assert.That(confidence, Is.LessThan(1));

        var answered = await InspectAsync(request, o => o.AnswerThreshold = confidence);
        var sourced = await InspectAsync(request, o => { o.AnswerThreshold = Math.Min(1, confidence + 0.01); o.SourceThreshold = confidence; });
        var nothing = await InspectAsync(request, o => { o.AnswerThreshold = 1; o.SourceThreshold = Math.Min(1, confidence + 0.01); });

        Assert.That(answered.Verdict.Code, Is.EqualTo("curated.answered"));
        Assert.That(sourced.Verdict.Code, Is.EqualTo("curated.sources_added"));
        Assert.That(nothing.Verdict.Code, Is.EqualTo(SafetyVerdict.AllowedCode));
    }

    [Test]
    public void Invalid_options_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new CuratedAnswerRouter(HelpCentre.KnowledgeBase, new CuratedAnswerOptions { AnswerThreshold = 1.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new CuratedAnswerRouter(HelpCentre.KnowledgeBase, new CuratedAnswerOptions { AnswerThreshold = 0.5, SourceThreshold = 0.6 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new CuratedAnswerRouter(HelpCentre.KnowledgeBase, new CuratedAnswerOptions { MaxSources = 0 }));
    }
}
