namespace SafeOpenAI.Tests.Pii;

public class PiiRedactionGuardTests
{
    private static SafetyRequest Request(params SafetyMessage[] messages) => new(messages, "gpt-4o-mini");

    private static async Task<(InputGuardResult Result, SafetyRequest Request)> Run(PiiRedactionOptions options, params SafetyMessage[] messages)
    {
        var request = Request(messages);
        using var hasher = new SafetyHasher(new SafetyIdentifierOptions { HashKey = "pii-test-hash-key-0123456789-abcdef" });
        var guard = new PiiRedactionGuard(options, hasher);
        return (await guard.InspectAsync(request, CancellationToken.None), request);
    }

    [Test]
    public async Task Replace_uses_typed_numbered_placeholders_and_the_same_value_gets_the_same_number()
    {
        var (result, _) = await Run(new PiiRedactionOptions(), SafetyMessage.FromText(MessageRole.User, "Mail a@example.com or b@example.com, again a@example.com; card 4111 1111 1111 1111"));

        Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Rewrite));
        Assert.That(result.Verdict.Code, Is.EqualTo(PiiRedactionGuard.RedactedCode));
        Assert.That(result.RewrittenMessages![0].Text, Is.EqualTo("Mail <EMAIL_ADDRESS_1> or <EMAIL_ADDRESS_2>, again <EMAIL_ADDRESS_1>; card <CREDIT_CARD_1>"));
        Assert.That(result.Verdict.Evidence, Is.EquivalentTo(new Dictionary<string, string> { ["EMAIL_ADDRESS"] = "3", ["CREDIT_CARD"] = "1", ["total"] = "4" }));
    }

    [Test]
    public async Task Mask_hash_and_block_operators_apply_per_entity_type()
    {
        var options = new PiiRedactionOptions();
        options.Operators[PiiEntityTypes.CreditCard] = PiiOperator.Mask;
        options.Operators[PiiEntityTypes.EmailAddress] = PiiOperator.Hash;
        var (result, _) = await Run(options, SafetyMessage.FromText(MessageRole.User, "card 4111-1111-1111-1111 mail a@example.com"));
        var text = result.RewrittenMessages![0].Text;
        Assert.That(text, Does.StartWith("card ****-****-****-**** mail <EMAIL_ADDRESS:"));
        Assert.That(text, Does.Not.Contain("a@example.com"));
        Assert.That(text, Does.Match("<EMAIL_ADDRESS:[0-9a-f]{16}>$"));

        options.Operators[PiiEntityTypes.UsSsn] = PiiOperator.Block;
        var (blocked, _) = await Run(options, SafetyMessage.FromText(MessageRole.User, "my SSN is 460-89-9847"));
        Assert.That(blocked.Verdict.Action, Is.EqualTo(SafetyAction.Block));
        Assert.That(blocked.Verdict.Code, Is.EqualTo("pii.blocked:US_SSN"));
        Assert.That(string.Join(",", blocked.Verdict.Evidence.Values), Does.Not.Contain("460"));
    }

    [Test]
    public async Task Tool_messages_are_redacted_by_default_and_system_messages_are_not()
    {
        var messages = new[]
        {
            SafetyMessage.FromText(MessageRole.System, "Support line: +44 20 7946 0958"),
            SafetyMessage.FromText(MessageRole.User, "look me up"),
            new SafetyMessage(MessageRole.Tool, [MessagePart.FromText("{\"email\":\"jane@example.org\"}")], toolCallId: "call_1"),
        };
        var (result, _) = await Run(new PiiRedactionOptions(), messages);
        Assert.That(result.RewrittenMessages![0].Text, Is.EqualTo("Support line: +44 20 7946 0958"));
        Assert.That(result.RewrittenMessages[2].Text, Is.EqualTo("{\"email\":\"<EMAIL_ADDRESS_1>\"}"));
        Assert.That(result.RewrittenMessages[2].ToolCallId, Is.EqualTo("call_1"));

        var (off, _) = await Run(new PiiRedactionOptions { IncludeToolMessages = false }, messages);
        Assert.That(off.Verdict.Action, Is.EqualTo(SafetyAction.Allow));
    }

    [Test]
    public async Task Placeholders_are_restored_in_the_answer_from_the_request_vault()
    {
        var (result, request) = await Run(new PiiRedactionOptions(), SafetyMessage.FromText(MessageRole.User, "Write to jane@example.org about IBAN GB82WEST12345698765432"));
        var answer = new SafetyResponse([MessagePart.FromText("Sent to <EMAIL_ADDRESS_1> re <IBAN_CODE_1>; <EMAIL_ADDRESS_9> stays.")], null);

        var restored = await new PiiRestoringValidator().ValidateAsync(request.WithMessages(result.RewrittenMessages!), answer, CancellationToken.None);

        Assert.That(restored.Verdict.Code, Is.EqualTo(PiiRestoringValidator.RestoredCode));
        Assert.That(restored.RewrittenResponse!.Text, Is.EqualTo("Sent to jane@example.org re GB82WEST12345698765432; <EMAIL_ADDRESS_9> stays."));
        Assert.That(restored.Verdict.Evidence["restored"], Is.EqualTo("2"));
    }

    [Test]
    public async Task Without_reversibility_nothing_is_restored()
    {
        var (result, request) = await Run(new PiiRedactionOptions { Reversible = false }, SafetyMessage.FromText(MessageRole.User, "jane@example.org"));
        Assert.That(result.RewrittenMessages![0].Text, Is.EqualTo("<EMAIL_ADDRESS_1>"));
        var restored = await new PiiRestoringValidator().ValidateAsync(request, new SafetyResponse([MessagePart.FromText("<EMAIL_ADDRESS_1>")], null), CancellationToken.None);
        Assert.That(restored.Verdict.Action, Is.EqualTo(SafetyAction.Allow));
    }

    [Test]
    public async Task Text_without_personal_data_is_allowed_unchanged()
    {
        var (result, _) = await Run(new PiiRedactionOptions(), SafetyMessage.FromText(MessageRole.User, "What is the capital of France?"));
        Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Allow));
        Assert.That(result.RewrittenMessages, Is.Null);
    }

    [Test]
    public void The_hash_operator_needs_a_hasher() =>
        Assert.That(() => new PiiRedactionGuard(new PiiRedactionOptions { DefaultOperator = PiiOperator.Hash }), Throws.ArgumentException);
}
