namespace SafeOpenAI.Tests.Pii;

public class PiiLeakValidatorTests
{
    private const string NewEmail = "mary.major@contoso.com";

    private static SafetyRequest Request(string userText = "Who handles my case?") =>
        new([SafetyMessage.FromText(MessageRole.System, "You are the help desk."), SafetyMessage.FromText(MessageRole.User, userText)], "gpt-4o-mini");

    private static SafetyResponse Answer(string text) => new([MessagePart.FromText(text)], null);

    private static SafetyResponse Window(string context, string text, int index = 1) =>
        new([MessagePart.FromText(text)], null) { Window = new OutputWindow(index, 500, context, isFinal: false) };

    private static ValueTask<OutputValidationResult> ValidateAsync(SafetyRequest request, SafetyResponse response, Action<PiiLeakOptions>? configure = null)
    {
        var options = new PiiLeakOptions();
        configure?.Invoke(options);
        return new PiiLeakValidator(options).ValidateAsync(request, response, CancellationToken.None);
    }

    [Test]
    public async Task New_personal_data_is_redacted_with_typed_placeholders()
    {
        var result = await ValidateAsync(Request(), Answer($"Write to {NewEmail} or call +1 212 555 0147."));

        Assert.Multiple(() =>
        {
            Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Rewrite));
            Assert.That(result.Verdict.Code, Is.EqualTo("pii.leak_redacted"));
            Assert.That(result.RewrittenResponse!.Text, Is.EqualTo("Write to <EMAIL_ADDRESS_REDACTED> or call <PHONE_NUMBER_REDACTED>."));
            Assert.That(result.Verdict.Evidence["total"], Is.EqualTo("2"));
            Assert.That(result.Verdict.Evidence["EMAIL_ADDRESS"], Is.EqualTo("1"));
            Assert.That(result.Verdict.Evidence["PHONE_NUMBER"], Is.EqualTo("1"));
            Assert.That(string.Join("|", result.Verdict.Evidence.Values), Does.Not.Contain("contoso").And.Not.Contain("0147"));
        });
    }

    [Test]
    public async Task The_block_policy_withholds_the_answer()
    {
        var result = await ValidateAsync(Request(), Answer($"Write to {NewEmail}."), o => o.Policy = PiiLeakPolicy.Block);

        Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Block));
        Assert.That(result.Verdict.Code, Is.EqualTo("pii.leaked"));
        Assert.That(result.Verdict.Evidence["location"], Is.EqualTo("content"));
        Assert.That(result.Verdict.Evidence["EMAIL_ADDRESS"], Is.EqualTo("1"));
        Assert.That(result.Verdict.UserMessage, Does.Not.Contain(NewEmail));
    }

    [Test]
    public async Task Values_the_user_supplied_are_allowed_in_any_spelling()
    {
        var request = Request("I am Jane.Doe@Example.com, phone (212) 555-0147.");

        var result = await ValidateAsync(request, Answer("We will write to jane.doe@example.com and call +1 212 555 0147."));

        Assert.That(result.Verdict.Code, Is.EqualTo(SafetyVerdict.AllowedCode));
        Assert.That(result.RewrittenResponse, Is.Null);
    }

    [Test]
    public async Task Values_the_vault_restored_are_allowed_and_new_ones_are_not()
    {
        // Redaction puts the user's address in the vault; the model sees a placeholder; restoration puts it back.
        var original = Request("My address is jane.doe@example.com");
        var redaction = await new PiiRedactionGuard(new PiiRedactionOptions()).InspectAsync(original, CancellationToken.None);
        var sent = original.WithMessages(redaction.RewrittenMessages!);
        Assert.That(sent.Messages[1].Text, Does.Not.Contain("jane.doe"));
        var restored = await new PiiRestoringValidator().ValidateAsync(sent, Answer($"Confirmed <EMAIL_ADDRESS_1>; your agent is {NewEmail}."), CancellationToken.None);

        var result = await ValidateAsync(sent, restored.RewrittenResponse!);

        Assert.That(result.RewrittenResponse!.Text, Is.EqualTo("Confirmed jane.doe@example.com; your agent is <EMAIL_ADDRESS_REDACTED>."));
        Assert.That(result.Verdict.Evidence["total"], Is.EqualTo("1"));
    }

    [Test]
    public async Task Before_restoration_the_check_sees_placeholders_and_its_own_never_collide_with_them()
    {
        var original = Request("My address is jane.doe@example.com");
        var redaction = await new PiiRedactionGuard(new PiiRedactionOptions()).InspectAsync(original, CancellationToken.None);
        var sent = original.WithMessages(redaction.RewrittenMessages!);

        // The wrong order: the leak check first, then restoration.
        var checkedFirst = await ValidateAsync(sent, Answer($"Confirmed <EMAIL_ADDRESS_1>; your agent is {NewEmail}."));
        var restoredAfter = await new PiiRestoringValidator().ValidateAsync(sent, checkedFirst.RewrittenResponse!, CancellationToken.None);

        Assert.That(restoredAfter.RewrittenResponse!.Text, Is.EqualTo("Confirmed jane.doe@example.com; your agent is <EMAIL_ADDRESS_REDACTED>."));
    }

    [Test]
    public async Task Configured_and_source_values_can_be_allowed()
    {
        var request = Request().WithSources([new SourceDocument("kb-1", "Support: help@contoso.com")]);
        var answer = Answer("Write to help@contoso.com or press@contoso.com.");

        var strict = await ValidateAsync(request, answer);
        var sources = await ValidateAsync(request, answer, o => o.AllowValuesFromSources = true);
        var configured = await ValidateAsync(request, answer, o => { o.AllowValuesFromSources = true; o.AllowedValues.Add("PRESS@contoso.com"); });

        Assert.That(strict.Verdict.Evidence["total"], Is.EqualTo("2"));
        Assert.That(sources.RewrittenResponse!.Text, Is.EqualTo("Write to help@contoso.com or <EMAIL_ADDRESS_REDACTED>."));
        Assert.That(configured.Verdict.Code, Is.EqualTo(SafetyVerdict.AllowedCode));
    }

    [Test]
    public async Task Urls_are_not_leaks_by_default()
    {
        var result = await ValidateAsync(Request(), Answer("See https://docs.contoso.com/reset for the steps."));

        Assert.That(result.Verdict.Code, Is.EqualTo(SafetyVerdict.AllowedCode));
    }

    [Test]
    public async Task Personal_data_in_tool_call_arguments_or_a_refusal_blocks_even_under_redact()
    {
        var toolCall = new SafetyResponse([], null, "tool_calls", [new ToolCallInfo("call_1", "send_mail", $$"""{"to":"{{NewEmail}}"}""")]);
        var refusal = new SafetyResponse([], null, "stop", refusal: $"I cannot share {NewEmail}.");

        var tool = await ValidateAsync(Request(), toolCall);
        var refused = await ValidateAsync(Request(), refusal);

        Assert.That(tool.Verdict.Code, Is.EqualTo("pii.leaked"));
        Assert.That(tool.Verdict.Evidence["location"], Is.EqualTo("tool_call"));
        Assert.That(refused.Verdict.Evidence["location"], Is.EqualTo("refusal"));
    }

    [Test]
    public async Task A_value_split_over_a_window_boundary_is_found_and_only_the_window_text_is_rewritten()
    {
        // The first window ended inside the address; the second window holds its rest.
        var result = await ValidateAsync(Request(), Window("Your agent is mary.ma", "jor@contoso.com. Anything else?"));

        Assert.That(result.Verdict.Code, Is.EqualTo("pii.leak_redacted"));
        Assert.That(result.RewrittenResponse!.Text, Is.EqualTo("<EMAIL_ADDRESS_REDACTED>. Anything else?"));
        Assert.That(result.RewrittenResponse.Window!.Index, Is.EqualTo(1));
    }

    [Test]
    public async Task A_value_wholly_in_the_context_was_judged_with_its_own_window()
    {
        var result = await ValidateAsync(Request(), Window($"Your agent is {NewEmail}. ", "Anything else?"));

        Assert.That(result.Verdict.Code, Is.EqualTo(SafetyVerdict.AllowedCode));
    }

    [Test]
    public async Task The_split_value_blocks_under_the_block_policy()
    {
        var result = await ValidateAsync(Request(), Window("Card 4111 1111 ", "1111 1111, expiry 12/29."), o => o.Policy = PiiLeakPolicy.Block);

        Assert.That(result.Verdict.Code, Is.EqualTo("pii.leaked"));
        Assert.That(result.Verdict.Evidence["CREDIT_CARD"], Is.EqualTo("1"));
    }

    [Test]
    public void The_scope_is_a_window()
    {
        Assert.That(new PiiLeakValidator(new PiiLeakOptions()).GetScope(Request()), Is.EqualTo(OutputValidationScope.Window));
    }

    [Test]
    public async Task Several_text_parts_are_redacted_in_place()
    {
        var response = new SafetyResponse([MessagePart.FromText("First part."), MessagePart.FromText($"Mail {NewEmail} now.")], null);

        var result = await ValidateAsync(Request(), response);

        Assert.That(result.RewrittenResponse!.Parts.Select(p => p.Text), Is.EqualTo(new[] { "First part.", "Mail <EMAIL_ADDRESS_REDACTED> now." }));
    }
}
