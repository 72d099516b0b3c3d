using Moq;

namespace SafeOpenAI.Tests.Input;

public class InputLengthGuardTests
{
    private static SafetyRequest Request(params SafetyMessage[] messages) => new(messages, "gpt-4o");

    private static InputLengthGuard Guard(int? maxCharacters, int? maxTokens, ITokenCounter? counter = null) =>
        new(new InputLengthGuardOptions { MaxCharacters = maxCharacters, MaxTokens = maxTokens }, counter ?? TiktokenTokenCounter.Shared);

    [Test]
    public async Task Short_input_is_allowed()
    {
        var result = await Guard(100, 50).InspectAsync(Request(SafetyMessage.FromText(MessageRole.User, "hello world")), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Allow));
            Assert.That(result.Verdict.Stage, Is.EqualTo("InputLength"));
        });
    }

    [Test]
    public async Task Too_many_characters_is_blocked_with_numbers_only()
    {
        var request = Request(new SafetyMessage(MessageRole.User, [MessagePart.FromText("0123456"), MessagePart.FromText("789a")]));

        var verdict = (await Guard(10, null).InspectAsync(request, CancellationToken.None)).Verdict;

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Block));
            Assert.That(verdict.Code, Is.EqualTo("input.too_long"));
            Assert.That(verdict.UserMessage, Is.EqualTo("Your message is too long."));
            Assert.That(verdict.Evidence["unit"], Is.EqualTo("characters"));
            Assert.That(verdict.Evidence["limit_characters"], Is.EqualTo("10"));
            Assert.That(verdict.Evidence["measured_characters"], Is.EqualTo("11"));
            Assert.That(verdict.Evidence.Values, Has.None.Contains("0123456"));
        });
    }

    [Test]
    public async Task Too_many_tokens_is_blocked_with_the_exact_count()
    {
        var text = string.Concat(Enumerable.Repeat("hello world ", 10));
        var tokens = TiktokenTokenCounter.Shared.CountTokens(text, "gpt-4o");
        Assert.That(tokens, Is.GreaterThan(5));

        var verdict = (await Guard(null, 5).InspectAsync(Request(SafetyMessage.FromText(MessageRole.User, text)), CancellationToken.None)).Verdict;

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Block));
            Assert.That(verdict.Code, Is.EqualTo("input.too_long"));
            Assert.That(verdict.Evidence["unit"], Is.EqualTo("tokens"));
            Assert.That(verdict.Evidence["limit_tokens"], Is.EqualTo("5"));
            Assert.That(verdict.Evidence["measured_tokens"], Is.EqualTo(tokens.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(verdict.Evidence["measurement"], Is.EqualTo("exact"));
        });
    }

    [Test]
    public async Task Exactly_the_token_limit_is_allowed()
    {
        var text = string.Concat(Enumerable.Repeat("hello world ", 10));
        var tokens = TiktokenTokenCounter.Shared.CountTokens(text, "gpt-4o");

        var result = await Guard(null, tokens).InspectAsync(Request(SafetyMessage.FromText(MessageRole.User, text)), CancellationToken.None);

        Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Allow));
    }

    [Test]
    public async Task Huge_text_is_blocked_by_a_sound_lower_bound_without_an_exact_count()
    {
        var text = new string('a', 1_000); // 125 real tokens; 1,000 / 128 rounds up to a lower bound of 8.
        var verdict = (await Guard(null, 5).InspectAsync(Request(SafetyMessage.FromText(MessageRole.User, text)), CancellationToken.None)).Verdict;

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Block));
            Assert.That(verdict.Evidence["measurement"], Is.EqualTo("lower_bound"));
            Assert.That(verdict.Evidence["measured_tokens"], Is.EqualTo("8"));
            Assert.That(TiktokenTokenCounter.Shared.CountTokens(text, "gpt-4o"), Is.GreaterThanOrEqualTo(8));
        });
    }

    [Test]
    public async Task Dense_text_beyond_three_tokens_per_character_bound_is_still_counted()
    {
        // CJK text costs more than one token per character, so a character count alone must not allow it.
        var text = string.Concat(Enumerable.Repeat("鑫龘齉爨", 5));
        var tokens = TiktokenTokenCounter.Shared.CountTokens(text, "gpt-4o");
        Assert.That(tokens, Is.GreaterThan(text.Length));

        var verdict = (await Guard(null, text.Length).InspectAsync(Request(SafetyMessage.FromText(MessageRole.User, text)), CancellationToken.None)).Verdict;

        Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Block));
    }

    [Test]
    public async Task Other_token_counters_are_asked_to_count()
    {
        var counter = new Mock<ITokenCounter>();
        counter.Setup(c => c.CountTokens("hi", "gpt-4o")).Returns(100);

        var verdict = (await Guard(null, 50, counter.Object).InspectAsync(Request(SafetyMessage.FromText(MessageRole.User, "hi")), CancellationToken.None)).Verdict;

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Block));
            Assert.That(verdict.Evidence["measured_tokens"], Is.EqualTo("100"));
        });
        counter.Verify(c => c.CountTokens("hi", "gpt-4o"), Times.Once);
    }

    [Test]
    public async Task Images_are_not_measured()
    {
        var image = MessagePart.FromImage(BinaryData.FromBytes(new byte[100_000]), "image/png");
        var request = Request(new SafetyMessage(MessageRole.User, [MessagePart.FromText("hi"), image]));

        var result = await Guard(10, 5).InspectAsync(request, CancellationToken.None);

        Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Allow));
    }

    [Test]
    public async Task Only_user_messages_are_measured()
    {
        var longText = new string('x', 5_000);
        var request = Request(
            SafetyMessage.FromText(MessageRole.System, longText),
            SafetyMessage.FromText(MessageRole.Developer, longText),
            SafetyMessage.FromText(MessageRole.Assistant, longText),
            SafetyMessage.FromText(MessageRole.Tool, longText),
            SafetyMessage.FromText(MessageRole.User, "hi"));

        var allowed = await Guard(10, 5).InspectAsync(request, CancellationToken.None);
        var blocked = await Guard(10, 5).InspectAsync(Request(SafetyMessage.FromText(MessageRole.User, longText)), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(allowed.Verdict.Action, Is.EqualTo(SafetyAction.Allow));
            Assert.That(blocked.Verdict.Action, Is.EqualTo(SafetyAction.Block));
        });
    }

    [Test]
    public async Task Characters_are_summed_over_all_user_messages()
    {
        var request = Request(SafetyMessage.FromText(MessageRole.User, "123456"), SafetyMessage.FromText(MessageRole.Assistant, "ok"), SafetyMessage.FromText(MessageRole.User, "123456"));

        var verdict = (await Guard(10, null).InspectAsync(request, CancellationToken.None)).Verdict;

        Assert.That(verdict.Evidence["measured_characters"], Is.EqualTo("12"));
    }

    [Test]
    public void Invalid_limits_and_cancellation_are_reported()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => Guard(0, null), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => Guard(null, -1), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(
                async () => await Guard(10, 10).InspectAsync(Request(SafetyMessage.FromText(MessageRole.User, "hi")), new CancellationToken(true)),
                Throws.InstanceOf<OperationCanceledException>());
        });
    }
}
