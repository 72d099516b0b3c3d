namespace SafeOpenAI.Tests.Keywords;

public class KeywordFilterTests
{
    private static SafetyRequest Request(string userText, string? toolText = null)
    {
        List<SafetyMessage> messages = [SafetyMessage.FromText(MessageRole.System, "Never mention Acme."), SafetyMessage.FromText(MessageRole.User, userText)];
        if (toolText is not null)
        {
            messages.Add(new SafetyMessage(MessageRole.Tool, [MessagePart.FromText(toolText)], toolCallId: "call-1"));
        }

        return new SafetyRequest(messages, "gpt-4o-mini");
    }

    private static SafetyResponse Answer(string text) => new([MessagePart.FromText(text)], null);

    private static KeywordFilterOptions Options(params string[] terms)
    {
        var options = new KeywordFilterOptions();
        foreach (var term in terms)
        {
            options.Keywords.Add(term);
        }

        return options;
    }

    [Test]
    public async Task A_term_in_the_user_message_blocks_the_request_with_the_configured_term()
    {
        var verdict = (await new KeywordFilter(Options("Project Falcon")).InspectAsync(Request("What is the status of project FALCON?"), CancellationToken.None)).Verdict;

        Assert.Multiple(() =>
        {
            Assert.That((verdict.Stage, verdict.Action, verdict.Code), Is.EqualTo(("KeywordFilter", SafetyAction.Block, "keyword.blocked")));
            Assert.That(verdict.Evidence["term"], Is.EqualTo("Project Falcon"));
            Assert.That(verdict.Evidence["matches"], Is.EqualTo("1"));
            Assert.That(verdict.Evidence.Values, Has.None.Contains("status"), "the user's text is not in the verdict");
        });
    }

    [Test]
    public async Task The_competitor_flavour_has_its_own_stage_and_code()
    {
        var filter = KeywordFilter.ForCompetitors(Options("Acme"));

        var verdict = (await filter.InspectAsync(Request("Is Acme cheaper?"), CancellationToken.None)).Verdict;

        Assert.That((filter.Name, verdict.Code), Is.EqualTo(("CompetitorFilter", "keyword.competitor")));
    }

    [Test]
    public async Task The_system_prompt_is_not_checked_and_clean_text_passes()
    {
        var verdict = (await new KeywordFilter(Options("Acme")).InspectAsync(Request("Which plan suits me?"), CancellationToken.None)).Verdict;

        Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Allow));
    }

    [Test]
    public async Task Tool_messages_are_checked_only_when_asked()
    {
        var request = Request("summarise it", toolText: "Acme launched a product");
        var withTools = Options("Acme");
        withTools.IncludeToolMessages = true;

        Assert.That((await new KeywordFilter(Options("Acme")).InspectAsync(request, CancellationToken.None)).Verdict.Action, Is.EqualTo(SafetyAction.Allow));
        Assert.That((await new KeywordFilter(withTools).InspectAsync(request, CancellationToken.None)).Verdict.Action, Is.EqualTo(SafetyAction.Block));
    }

    [Test]
    public async Task A_term_in_the_answer_blocks_it()
    {
        var result = await new KeywordFilter(Options("Acme")).ValidateAsync(Request("hi"), Answer("You could also try ACME's plan."), CancellationToken.None);

        Assert.That((result.Verdict.Action, result.Verdict.Code, result.Verdict.Evidence["location"]), Is.EqualTo((SafetyAction.Block, "keyword.blocked", "content")));
    }

    [Test]
    public async Task A_term_in_tool_call_arguments_or_a_refusal_blocks_the_answer()
    {
        var filter = new KeywordFilter(Options("Acme"));
        var withCall = new SafetyResponse([], null, toolCalls: [new ToolCallInfo("c1", "search", "{\"q\":\"acme pricing\"}")]);
        var withRefusal = new SafetyResponse([], null, refusal: "I won't compare us with Acme.");

        Assert.That((await filter.ValidateAsync(Request("hi"), withCall, CancellationToken.None)).Verdict.Evidence["location"], Is.EqualTo("tool_call"));
        Assert.That((await filter.ValidateAsync(Request("hi"), withRefusal, CancellationToken.None)).Verdict.Evidence["location"], Is.EqualTo("refusal"));
    }

    [Test]
    public async Task A_term_split_across_a_stream_window_is_found()
    {
        var window = new SafetyResponse([MessagePart.FromText("Cloud is an option.")], null) { Window = new OutputWindow(1, 40, "You might consider Acme ", isFinal: false) };

        var result = await new KeywordFilter(Options("Acme Cloud")).ValidateAsync(Request("hi"), window, CancellationToken.None);

        Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Block));
    }

    [Test]
    public async Task The_direction_limits_the_check()
    {
        var inputOnly = Options("Acme");
        inputOnly.Direction = FilterDirection.Input;
        var outputOnly = Options("Acme");
        outputOnly.Direction = FilterDirection.Output;

        Assert.That((await new KeywordFilter(inputOnly).ValidateAsync(Request("hi"), Answer("Acme"), CancellationToken.None)).Verdict.Action, Is.EqualTo(SafetyAction.Allow));
        Assert.That(new KeywordFilter(inputOnly).GetScope(Request("hi")), Is.EqualTo(OutputValidationScope.None));
        Assert.That((await new KeywordFilter(outputOnly).InspectAsync(Request("Acme"), CancellationToken.None)).Verdict.Action, Is.EqualTo(SafetyAction.Allow));
    }

    [Test]
    public void Bad_options_are_refused_with_their_names()
    {
        var badDirection = Options("Acme");
        badDirection.Direction = (FilterDirection)8;

        Assert.That(Assert.Throws<ArgumentException>(() => _ = new KeywordFilter(Options()))!.ParamName, Is.EqualTo("options.Keywords"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = KeywordFilter.ForCompetitors(badDirection))!.ParamName, Is.EqualTo("options.Direction"));
        Assert.Throws<ArgumentNullException>(() => _ = new KeywordFilter(null!));
    }
}
