// ModerationInputPart and ClassifyInputsAsync are [Experimental("OPENAI001")] in the OpenAI SDK; the check under test uses them.
#pragma warning disable OPENAI001

using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.Time.Testing;
using Moq;
using OpenAI.Moderations;
using ModerationOptions = SafeOpenAI.ModerationOptions;

namespace SafeOpenAI.Tests.Moderation;

public class OpenAIModerationCheckTests
{
    private static readonly SafetyRequest AnyRequest = new([SafetyMessage.FromText(MessageRole.User, "hi")], "gpt-4o");

    private static ModerationCategory Category(float score, bool flagged = false) =>
        OpenAIModerationsModelFactory.ModerationCategory(flagged, score);

    private static ModerationResult Result(bool flagged, ModerationCategory? violence = null, ModerationCategory? harassment = null, ModerationCategory? selfHarmIntent = null) =>
        OpenAIModerationsModelFactory.ModerationResult(
            flagged: flagged,
            hate: Category(0.001f),
            hateThreatening: Category(0.001f),
            harassment: harassment ?? Category(0.002f),
            harassmentThreatening: Category(0.001f),
            selfHarm: Category(0.001f),
            selfHarmIntent: selfHarmIntent ?? Category(0.001f),
            selfHarmInstructions: Category(0.001f),
            sexual: Category(0.003f),
            sexualMinors: Category(0.001f),
            violence: violence ?? Category(0.004f),
            violenceGraphic: Category(0.001f),
            illicit: Category(0.001f),
            illicitViolent: Category(0.001f));

    private static ClientResult<ModerationResult> Ok(ModerationResult result, PipelineResponse? response = null) =>
        ClientResult.FromValue(result, response ?? Mock.Of<PipelineResponse>());

    private static Mock<ModerationClient> TextClient(ModerationResult result, PipelineResponse? response = null)
    {
        var client = new Mock<ModerationClient>(MockBehavior.Strict);
        client.Setup(c => c.ClassifyTextAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(Ok(result, response));
        return client;
    }

    private static OpenAIModerationCheck Check(Mock<ModerationClient> client, Action<ModerationOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new ModerationOptions();
        configure?.Invoke(options);
        return new OpenAIModerationCheck(client.Object, options, time);
    }

    private static IReadOnlyList<MessagePart> Text(string text) => [MessagePart.FromText(text)];

    [Test]
    public async Task Flagged_input_is_blocked_with_the_top_category()
    {
        var client = TextClient(Result(true, violence: Category(0.91f, flagged: true), harassment: Category(0.62f, flagged: true)));

        var verdict = await Check(client).ModerateAsync(ModerationDirection.Input, Text("some text"), AnyRequest, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Block));
            Assert.That(verdict.Stage, Is.EqualTo("OpenAIModeration"));
            Assert.That(verdict.Code, Is.EqualTo("moderation.flagged:violence"));
            Assert.That(verdict.UserMessage, Is.EqualTo("This content was blocked by moderation."));
            Assert.That(verdict.Evidence["direction"], Is.EqualTo("input"));
            Assert.That(verdict.Evidence["categories"], Is.EqualTo("harassment,violence"));
            Assert.That(verdict.Evidence["top_category"], Is.EqualTo("violence"));
            Assert.That(verdict.Evidence["top_score"], Is.EqualTo("0.9100"));
            Assert.That(verdict.Evidence["model"], Is.EqualTo("omni-moderation-latest"));
            Assert.That(verdict.Evidence.Values, Has.None.Contains("some text"));
        });
    }

    [Test]
    public async Task Flagged_output_is_withheld()
    {
        var client = TextClient(Result(true, selfHarmIntent: Category(0.8f, flagged: true)));

        var verdict = await Check(client).ModerateAsync(ModerationDirection.Output, Text("answer"), AnyRequest, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Code, Is.EqualTo("moderation.flagged:self-harm/intent"));
            Assert.That(verdict.UserMessage, Is.EqualTo("The answer was withheld by moderation."));
            Assert.That(verdict.Evidence["direction"], Is.EqualTo("output"));
        });
    }

    [Test]
    public async Task A_category_over_its_threshold_blocks_even_when_not_flagged()
    {
        var client = TextClient(Result(false, violence: Category(0.6f)));

        var verdict = await Check(client, o => o.CategoryThresholds["violence"] = 0.5f).ModerateAsync(ModerationDirection.Input, Text("x"), AnyRequest, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Block));
            Assert.That(verdict.Code, Is.EqualTo("moderation.flagged:violence"));
            Assert.That(verdict.Evidence["top_score"], Is.EqualTo("0.6000"));
        });
    }

    [Test]
    public async Task A_category_under_its_threshold_is_allowed()
    {
        var client = TextClient(Result(false, violence: Category(0.4f)));

        var verdict = await Check(client, o => o.CategoryThresholds["violence"] = 0.5f).ModerateAsync(ModerationDirection.Input, Text("x"), AnyRequest, CancellationToken.None);

        Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Allow));
    }

    [Test]
    public async Task Service_flag_is_ignored_when_BlockWhenFlagged_is_off()
    {
        var client = TextClient(Result(true, violence: Category(0.7f, flagged: true)));

        var verdict = await Check(client, o => o.BlockWhenFlagged = false).ModerateAsync(ModerationDirection.Input, Text("x"), AnyRequest, CancellationToken.None);

        Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Allow));
    }

    [Test]
    public async Task With_flagged_categories_listed_only_a_flag_in_one_of_them_blocks()
    {
        var client = TextClient(Result(true, harassment: Category(0.8f, flagged: true)));

        var ignored = await Check(client, o => o.FlaggedCategories.Add("violence")).ModerateAsync(ModerationDirection.Input, Text("x"), AnyRequest, CancellationToken.None);
        var blocked = await Check(client, o => o.FlaggedCategories.Add("harassment")).ModerateAsync(ModerationDirection.Input, Text("x"), AnyRequest, CancellationToken.None);

        Assert.That(ignored.Action, Is.EqualTo(SafetyAction.Allow), "harassment is not listed, although the service flagged the input");
        Assert.That((blocked.Action, blocked.Code), Is.EqualTo((SafetyAction.Block, "moderation.flagged:harassment")));
    }

    [Test]
    public void An_unknown_flagged_category_is_refused_naming_it() =>
        Assert.That(() => Check(TextClient(Result(false)), o => o.FlaggedCategories.Add("violense")), Throws.ArgumentException.With.Message.Contains("'violense' is not a moderation category"));

    [Test]
    public async Task Clean_input_is_allowed_with_the_max_score()
    {
        var client = TextClient(Result(false));

        var verdict = await Check(client).ModerateAsync(ModerationDirection.Input, Text("hello"), AnyRequest, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Allow));
            Assert.That(verdict.Code, Is.EqualTo(SafetyVerdict.AllowedCode));
            Assert.That(verdict.Evidence["max_category"], Is.EqualTo("violence"));
            Assert.That(verdict.Evidence["max_score"], Is.EqualTo("0.0040"));
        });
    }

    [Test]
    public async Task Empty_input_is_allowed_without_a_call()
    {
        var client = new Mock<ModerationClient>(MockBehavior.Strict);

        var verdict = await Check(client).ModerateAsync(ModerationDirection.Input, [MessagePart.FromText(string.Empty), MessagePart.FromOther(new object())], AnyRequest, CancellationToken.None);

        Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Allow));
        client.VerifyNoOtherCalls();
    }

    [Test]
    public async Task Text_parts_are_joined_and_images_are_sent_as_image_inputs()
    {
        List<ModerationInputPart>? sent = null;
        var client = new Mock<ModerationClient>(MockBehavior.Strict);
        client.Setup(c => c.ClassifyInputsAsync(It.IsAny<IEnumerable<ModerationInputPart>>(), It.IsAny<CancellationToken>()))
            .Callback((IEnumerable<ModerationInputPart> parts, CancellationToken _) => sent = parts.ToList())
            .ReturnsAsync(Ok(Result(false)));
        var imageUri = new Uri("https://example.com/cat.png");
        IReadOnlyList<MessagePart> parts =
        [
            MessagePart.FromText("first"),
            MessagePart.FromImage(imageUri),
            MessagePart.FromText("second"),
            MessagePart.FromImage(BinaryData.FromBytes([1, 2, 3]), "image/png"),
        ];

        var verdict = await Check(client).ModerateAsync(ModerationDirection.Input, parts, AnyRequest, CancellationToken.None);

        Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Allow));
        Assert.That(sent, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(sent!, Has.Count.EqualTo(3));
            Assert.That(sent![0].Kind, Is.EqualTo(ModerationInputPartKind.Text));
            Assert.That(sent[0].Text, Is.EqualTo("first\nsecond"));
            Assert.That(sent[1].Kind, Is.EqualTo(ModerationInputPartKind.Image));
            Assert.That(sent[1].ImageUri, Is.EqualTo(imageUri));
            Assert.That(sent[2].ImageUri!.ToString(), Does.StartWith("data:image/png;base64,AQID"));
        });
    }

    [Test]
    public async Task Applied_input_types_and_model_come_from_the_response()
    {
        const string json = """
            {"id":"modr-1","model":"omni-moderation-2024-09-26","results":[{"flagged":true,
             "categories":{"violence":true,"hate":false},
             "category_scores":{"violence":0.91,"hate":0.01},
             "category_applied_input_types":{"violence":["text","image"],"hate":["text"]}}]}
            """;
        var resultJson = """
            {"flagged":true,"categories":{"violence":true,"hate":false},"category_scores":{"violence":0.91,"hate":0.01},
             "category_applied_input_types":{"violence":["text","image"],"hate":["text"]}}
            """;
        var result = ModelReaderWriter.Read<ModerationResult>(BinaryData.FromString(resultJson))!;
        var response = new Mock<PipelineResponse>();
        response.SetupGet(r => r.Content).Returns(BinaryData.FromString(json));
        var client = new Mock<ModerationClient>(MockBehavior.Strict);
        client.Setup(c => c.ClassifyInputsAsync(It.IsAny<IEnumerable<ModerationInputPart>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(Ok(result, response.Object));

        var verdict = await Check(client).ModerateAsync(ModerationDirection.Input, [MessagePart.FromText("x"), MessagePart.FromImage(new Uri("https://example.com/a.png"))], AnyRequest, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Code, Is.EqualTo("moderation.flagged:violence"));
            Assert.That(verdict.Evidence["applied_input_types"], Is.EqualTo("violence=text,image"));
            Assert.That(verdict.Evidence["model"], Is.EqualTo("omni-moderation-2024-09-26"));
        });
    }

    [TestCase(ModerationFailurePolicy.FailClosed, SafetyAction.Block, "moderation.unavailable")]
    [TestCase(ModerationFailurePolicy.FailOpen, SafetyAction.Allow, "moderation.failed_open")]
    public async Task Http_500_follows_the_failure_policy(ModerationFailurePolicy policy, SafetyAction action, string code)
    {
        var response = new Mock<PipelineResponse>();
        response.SetupGet(r => r.Status).Returns(500);
        var client = new Mock<ModerationClient>(MockBehavior.Strict);
        client.Setup(c => c.ClassifyTextAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ClientResultException("server error echoing secret input", response.Object));

        var verdict = await Check(client, o => o.FailurePolicy = policy).ModerateAsync(ModerationDirection.Input, Text("secret input"), AnyRequest, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Action, Is.EqualTo(action));
            Assert.That(verdict.Code, Is.EqualTo(code));
            Assert.That(verdict.Evidence["error"], Is.EqualTo(nameof(ClientResultException)));
            Assert.That(verdict.Evidence["http_status"], Is.EqualTo("500"));
            Assert.That(verdict.Evidence.Values, Has.None.Contains("secret"));
        });
        if (action == SafetyAction.Block)
        {
            Assert.That(verdict.UserMessage, Is.EqualTo("Moderation is unavailable; the request was not sent."));
        }
    }

    [Test]
    public async Task Transport_errors_and_unreadable_responses_fail_closed()
    {
        var client = new Mock<ModerationClient>(MockBehavior.Strict);
        client.SetupSequence(c => c.ClassifyTextAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("connection refused"))
            .ThrowsAsync(new System.Text.Json.JsonException("bad json"));
        var check = Check(client);

        var transport = await check.ModerateAsync(ModerationDirection.Input, Text("x"), AnyRequest, CancellationToken.None);
        var malformed = await check.ModerateAsync(ModerationDirection.Input, Text("x"), AnyRequest, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(transport.Code, Is.EqualTo("moderation.unavailable"));
            Assert.That(transport.Evidence["error"], Is.EqualTo(nameof(HttpRequestException)));
            Assert.That(malformed.Code, Is.EqualTo("moderation.unavailable"));
            Assert.That(malformed.Evidence["error"], Is.EqualTo("JsonException"));
        });
    }

    [TestCase(ModerationFailurePolicy.FailClosed, "moderation.unavailable")]
    [TestCase(ModerationFailurePolicy.FailOpen, "moderation.failed_open")]
    public async Task Timeout_on_the_time_provider_follows_the_failure_policy(ModerationFailurePolicy policy, string code)
    {
        var time = new FakeTimeProvider();
        var client = new Mock<ModerationClient>(MockBehavior.Strict);
        client.Setup(c => c.ClassifyTextAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns(async (string _, CancellationToken token) =>
            {
                await Task.Delay(Timeout.Infinite, token);
                return Ok(Result(false));
            });
        var check = Check(client, o => { o.FailurePolicy = policy; o.Timeout = TimeSpan.FromSeconds(5); }, time);

        var pending = check.ModerateAsync(ModerationDirection.Input, Text("x"), AnyRequest, CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.That(pending.IsCompleted, Is.False);
        time.Advance(TimeSpan.FromSeconds(1));
        var verdict = await pending;

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Code, Is.EqualTo(code));
            Assert.That(verdict.Evidence["error"], Is.EqualTo("Timeout"));
        });
    }

    [Test]
    public void Caller_cancellation_propagates()
    {
        var time = new FakeTimeProvider();
        var client = new Mock<ModerationClient>(MockBehavior.Strict);
        client.Setup(c => c.ClassifyTextAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns(async (string _, CancellationToken token) =>
            {
                await Task.Delay(Timeout.Infinite, token);
                return Ok(Result(false));
            });
        var check = Check(client, o => o.FailurePolicy = ModerationFailurePolicy.FailOpen, time);
        using var cts = new CancellationTokenSource();

        var pending = check.ModerateAsync(ModerationDirection.Input, Text("x"), AnyRequest, cts.Token).AsTask();
        cts.Cancel();

        Assert.Multiple(() =>
        {
            Assert.That(async () => await pending, Throws.InstanceOf<OperationCanceledException>());
            Assert.That(
                async () => await check.ModerateAsync(ModerationDirection.Input, Text("x"), AnyRequest, new CancellationToken(true)),
                Throws.InstanceOf<OperationCanceledException>());
        });
    }

    [Test]
    public void Unknown_threshold_categories_are_rejected()
    {
        var client = new Mock<ModerationClient>();
        Assert.Multiple(() =>
        {
            Assert.That(() => Check(client, o => o.CategoryThresholds["violent"] = 0.5f), Throws.ArgumentException);
            Assert.That(() => Check(client, o => o.CategoryThresholds["violence"] = 1.5f), Throws.ArgumentException);
        });
    }
}
