using System.ClientModel;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using OpenAI.Chat;
using SafeOpenAI.Testing;
using SafeOpenAI.Tests.Integration;
using SafeOpenAI.Tests.StructuredOutput;

namespace SafeOpenAI.Tests.HostileInput;

/// <summary>
/// Hostile input through <see cref="SafeChatClient"/> end to end: the real OpenAI SDK over HTTP to the
/// local endpoint, with every text defence on (PII redaction and leak check, secrets, prompt
/// injection, keywords, URLs, canary tokens). A call completes, is blocked with a decisive verdict, or
/// throws a documented typed exception (<see cref="StructuredOutputException"/>,
/// <see cref="SafetyViolationException"/> for the drop-in door) -- never an unhandled
/// stack overflow, index, null-reference or cast exception.
/// </summary>
public class PipelineHostileInputTests
{
    private static readonly TimeSpan s_callBound = TimeSpan.FromSeconds(60);

    private static Task<IntegrationHost> StartAsync(bool unlimitedInput = false) =>
        IntegrationHost.StartAsync(
            o =>
            {
                if (unlimitedInput)
                {
                    o.InputLength.MaxCharacters = null;
                    o.InputLength.MaxTokens = null;
                }
            },
            b => b.AddPiiRedaction()
                .AddSecretsGuard()
                .AddPromptInjectionGuard()
                .AddKeywordFilter(k => k.Keywords.Add("contoso rival"))
                .AddUrlFilter()
                .AddPiiLeakCheck()
                .AddCanaryTokens());

    private static void EnsureWellFormed(SafeChatResult result)
    {
        Assert.That(result.Status, Is.AnyOf(SafeChatStatus.Completed, SafeChatStatus.Blocked));
        if (result.Status == SafeChatStatus.Blocked)
        {
            Assert.That(result.DecisiveVerdict, Is.Not.Null, "a blocked call names the stage that blocked it");
            Assert.That(result.DecisiveVerdict!.Code, Is.Not.Empty);
        }
        else
        {
            Assert.That(result.Completion, Is.Not.Null);
        }
    }

    private static async Task<SafeChatResult> CompleteWithinBoundAsync(IntegrationHost host, SafeChatRequest request)
    {
        using var timeout = new CancellationTokenSource(s_callBound);
        return await host.Client.CompleteAsync(request, timeout.Token);
    }

    [Test]
    public async Task Hostile_prompts_complete_or_are_blocked_with_a_verdict()
    {
        await using var host = await StartAsync();

        // 40 cases: each is a real HTTP round trip (moderation and chat) through every defence.
        var property = Prop.ForAll(HostileArbitraries.HostileText(), text =>
        {
            var audited = host.Audit.Records.Count;
            var result = CompleteWithinBoundAsync(host, IntegrationHost.Ask(text.Value)).GetAwaiter().GetResult();
            EnsureWellFormed(result);
            Assert.That(host.Audit.Records, Has.Count.EqualTo(audited + 1), "every call, completed or blocked, is audited once");
            Assert.That(host.Audit.Records[^1].AuditId, Is.EqualTo(result.AuditId));
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(40).WithQuietOnSuccess(true), property);
    }

    [Test]
    public async Task Hostile_answers_from_the_model_complete_or_are_blocked_with_a_verdict()
    {
        await using var host = await StartAsync();

        var property = Prop.ForAll(HostileArbitraries.HostileText(), text =>
        {
            host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(text.Value));
            var result = CompleteWithinBoundAsync(host, IntegrationHost.Ask("Tell me something.")).GetAwaiter().GetResult();
            EnsureWellFormed(result);
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(40).WithQuietOnSuccess(true), property);
    }

    [Test]
    public async Task Five_thousand_messages_complete_or_are_blocked_with_a_verdict()
    {
        await using var host = await StartAsync(unlimitedInput: true);
        var sample = HostileGenerators.Segment.Sample(5_000, 12).ToArray();
        var messages = new List<ChatMessage> { ChatMessage.CreateSystemMessage("You are helpful.") };
        for (var i = 0; i < 5_000; i++)
        {
            messages.Add(i % 2 == 0 ? ChatMessage.CreateUserMessage("q" + i + " " + sample[i]) : ChatMessage.CreateAssistantMessage("a" + i + " " + sample[i]));
        }

        var result = await CompleteWithinBoundAsync(host, new SafeChatRequest(messages) { Identity = new SafetyIdentity("user-1") });

        EnsureWellFormed(result);
        Assert.That(host.Audit.Records, Has.Count.EqualTo(1), "the call was audited once");
    }

    [Test]
    public async Task Five_thousand_messages_within_the_default_limits_are_blocked_by_the_input_length_guard()
    {
        await using var host = await StartAsync();
        var messages = new List<ChatMessage>();
        for (var i = 0; i < 5_000; i++)
        {
            messages.Add(ChatMessage.CreateUserMessage("message number " + i));
        }

        var result = await CompleteWithinBoundAsync(host, new SafeChatRequest(messages) { Identity = new SafetyIdentity("user-1") });

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Does.StartWith("input."));
        Assert.That(host.Endpoint.ChatRequests, Is.Empty, "nothing reached the model");
    }

    [Test]
    public async Task Three_thousand_image_parts_complete_or_are_blocked_with_a_verdict()
    {
        await using var host = await StartAsync(unlimitedInput: true);
        var parts = new List<ChatMessageContentPart> { ChatMessageContentPart.CreateTextPart("What is in these pictures?") };
        for (var i = 0; i < 3_000; i++)
        {
            parts.Add(i % 3 == 0
                ? ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(new byte[] { 0x89, 0x50, 0x4E, 0x47, (byte)i }), "image/png")
                : ChatMessageContentPart.CreateImagePart(new Uri($"https://images.example.com/{i}/cat\u200B.png?x=%00%FF")));
        }

        var result = await CompleteWithinBoundAsync(host, new SafeChatRequest([ChatMessage.CreateUserMessage(parts)]) { Identity = new SafetyIdentity("user-1") });

        EnsureWellFormed(result);
    }

    [Test]
    public async Task A_ten_megabyte_hostile_prompt_is_blocked_before_the_model()
    {
        await using var host = await StartAsync();

        var result = await CompleteWithinBoundAsync(host, IntegrationHost.Ask(LargeHostileText.Build(10_000_000, seed: 1)));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Does.StartWith("input.").Or.StartWith("budget."), "the length guard or the token budget refuses it");
        Assert.That(host.Endpoint.ChatRequests, Is.Empty);
    }

    [Test]
    public async Task A_ten_megabyte_hostile_prompt_without_length_limits_completes_or_is_blocked_with_a_verdict()
    {
        await using var host = await StartAsync(unlimitedInput: true);

        var result = await CompleteWithinBoundAsync(host, IntegrationHost.Ask(LargeHostileText.Build(10_000_000, seed: 2)));

        EnsureWellFormed(result);
    }

    private static string NestedTree(int depth)
    {
        var json = new StringBuilder(depth * 32);
        for (var i = 0; i < depth; i++)
        {
            json.Append("{\"label\":\"n\",\"children\":[");
        }

        json.Append("{\"label\":\"leaf\",\"children\":[]}");
        for (var i = 0; i < depth; i++)
        {
            json.Append("]}");
        }

        return json.ToString();
    }

    [TestCase(1)]
    [TestCase(20)]
    [TestCase(31)]
    [TestCase(32)]
    [TestCase(33)]
    [TestCase(64)]
    [TestCase(127)]
    [TestCase(128)]
    [TestCase(1_000)]
    [TestCase(10_000)]
    public async Task A_deeply_nested_structured_answer_completes_is_blocked_or_throws_the_structured_output_exception(int depth)
    {
        await using var host = await StartAsync();
        host.Endpoint.Chat.Handler = _ => ScriptedChatResponse.Text(NestedTree(depth));

        try
        {
            using var timeout = new CancellationTokenSource(s_callBound);
            var result = await host.Client.CompleteAsync<TreeNode>(IntegrationHost.Ask("A tree, please."), cancellationToken: timeout.Token);

            EnsureWellFormed(result);
            if (result.Status == SafeChatStatus.Completed)
            {
                var node = result.Value!;
                var levels = 0;
                while (node.Children.Count > 0)
                {
                    node = node.Children[0];
                    levels++;
                }

                Assert.That(levels, Is.EqualTo(depth), "a completed tree is the whole tree");
            }
            else
            {
                Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo(JsonSchemaValidator.InvalidCode));
            }
        }
        catch (StructuredOutputException ex)
        {
            // Documented: valid by the schema, but deeper than the serializer's MaxDepth.
            Assert.That(ex.Result.Status, Is.EqualTo(SafeChatStatus.Completed));
        }
    }

    [TestCase(300)]
    [TestCase(10_000)]
    public async Task A_deeply_nested_answer_to_a_drop_in_json_schema_call_throws_the_safety_violation(int depth)
    {
        await using var host = await StartAsync();
        host.Endpoint.Chat.Handler = _ => ScriptedChatResponse.Text(new string('[', depth) + new string(']', depth));
        var options = new ChatCompletionOptions
        {
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat(
                "place",
                BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}"""),
                jsonSchemaIsStrict: true),
        };
        using var identity = AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("drop-in"));

        var thrown = Assert.ThrowsAsync<SafetyViolationException>(() => host.Client.CompleteChatAsync([ChatMessage.CreateUserMessage("Where?")], options));

        Assert.That(thrown!.Verdict.Code, Is.EqualTo(JsonSchemaValidator.InvalidCode));
    }

    /// <summary>A chat completion whose message content is <paramref name="escapedContent"/>, already escaped as a JSON string's inside.</summary>
    private static string CompletionWithContent(string escapedContent) =>
        "{\"id\":\"chatcmpl-x\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"gpt-4o-mini\"," +
        "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + escapedContent + "\"},\"finish_reason\":\"stop\",\"logprobs\":null}]," +
        "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}";

    [Test]
    public async Task A_structured_answer_holding_an_escaped_lone_surrogate_throws_the_structured_output_exception()
    {
        // The answer is valid JSON ("\ud800" as an escape) and passes the schema, but System.Text.Json cannot
        // read the escape into a string: the documented StructuredOutputException, with the billed result.
        await using var host = await StartAsync();
        host.Endpoint.Chat.Handler = _ => ScriptedChatResponse.Raw(200, CompletionWithContent("""{\"label\":\"\\ud800\",\"children\":[]}"""));

        var thrown = Assert.ThrowsAsync<StructuredOutputException>(() => host.Client.CompleteAsync<TreeNode>(IntegrationHost.Ask("A tree, please.")));

        Assert.That(thrown!.Result.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(thrown.Message, Does.Not.Contain("ud800"), "the message names the path, not the value");
    }
}
