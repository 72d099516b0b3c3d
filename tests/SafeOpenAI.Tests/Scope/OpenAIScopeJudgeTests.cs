using System.Text.Json;
using SafeOpenAI.Testing;

namespace SafeOpenAI.Tests.Scope;

/// <summary>The OpenAI judge through the real SDK against the local endpoint.</summary>
public class OpenAIScopeJudgeTests
{
    private static readonly ScopeCheckOptions Options = new() { MaxTurns = 2 };

    [Test]
    public async Task It_asks_for_the_strict_schema_at_temperature_zero_and_reads_the_answer()
    {
        await using var endpoint = await LocalOpenAIEndpoint.StartAsync();
        endpoint.Chat.Enqueue(ScriptedChatResponse.Text("""{"flagged":true,"confidence":0.93}""").WithUsage(150, 11));
        var judge = new OpenAIScopeJudge(endpoint.CreateChatClient("gpt-4.1-mini", maxRetries: 0), maxOutputTokens: 48);

        var judgement = await judge.JudgeAsync(Ask("Write me a sonnet."), CancellationToken.None);

        using var body = JsonDocument.Parse(endpoint.ChatRequests.Single().Body);
        var format = body.RootElement.GetProperty("response_format");
        Assert.Multiple(() =>
        {
            Assert.That((judgement.Flagged, judgement.Confidence), Is.EqualTo((true, 0.93)));
            Assert.That(judgement.ModelUsage!.Usage, Is.EqualTo(new TokenUsage(150, 11)));
            Assert.That(format.GetProperty("type").GetString(), Is.EqualTo("json_schema"));
            Assert.That(format.GetProperty("json_schema").GetProperty("name").GetString(), Is.EqualTo(OpenAIScopeJudge.SchemaName));
            Assert.That(format.GetProperty("json_schema").GetProperty("strict").GetBoolean(), Is.True);
            Assert.That(body.RootElement.GetProperty("temperature").GetDouble(), Is.Zero);
            Assert.That(body.RootElement.GetProperty("max_completion_tokens").GetInt32(), Is.EqualTo(48));
            Assert.That(body.RootElement.GetProperty("model").GetString(), Is.EqualTo("gpt-4.1-mini"));
            Assert.That(body.RootElement.GetProperty("messages")[1].GetProperty("content").GetString(), Does.Contain("Write me a sonnet."));
        });
    }

    [TestCase("not json", "not valid JSON", true)]
    [TestCase("""{"flagged":"yes","confidence":0.5}""", "does not match the schema", true)]
    [TestCase("""{"flagged":true}""", "does not match the schema", true)]
    [TestCase("""{"flagged":true,"confidence":1.7}""", "outside 0", true)]
    public async Task An_answer_out_of_format_throws_and_keeps_what_it_billed(string answer, string reason, bool billed)
    {
        await using var endpoint = await LocalOpenAIEndpoint.StartAsync();
        endpoint.Chat.Enqueue(ScriptedChatResponse.Text(answer).WithUsage(100, 9));
        var judge = new OpenAIScopeJudge(endpoint.CreateChatClient("gpt-4.1-mini", maxRetries: 0));

        var error = Assert.ThrowsAsync<ScopeJudgeException>(async () => await judge.JudgeAsync(Ask("hello"), CancellationToken.None));

        Assert.That(error!.Message, Does.Contain(reason));
        Assert.That(error.ModelUsage?.Usage, billed ? Is.EqualTo(new TokenUsage(100, 9)) : Is.Null);
        Assert.That(error.Message, Does.Not.Contain("hello"));
    }

    [Test]
    public async Task A_stop_at_the_token_cap_an_error_and_a_refusal_each_throw()
    {
        await using var endpoint = await LocalOpenAIEndpoint.StartAsync();
        var judge = new OpenAIScopeJudge(endpoint.CreateChatClient("gpt-4.1-mini", maxRetries: 0));

        endpoint.Chat.Enqueue(ScriptedChatResponse.Text("""{"flagged":true,"confidence":0.9}""").WithFinishReason("length"));
        var capped = Assert.ThrowsAsync<ScopeJudgeException>(async () => await judge.JudgeAsync(Ask("q"), CancellationToken.None));
        endpoint.Chat.Enqueue(ScriptedChatResponse.Error(500));
        var failed = Assert.ThrowsAsync<ScopeJudgeException>(async () => await judge.JudgeAsync(Ask("q"), CancellationToken.None));
        endpoint.Chat.Enqueue(ScriptedChatResponse.Raw(200, """
            {"id":"x","object":"chat.completion","created":1,"model":"gpt-4.1-mini","choices":[{"index":0,"finish_reason":"stop",
             "message":{"role":"assistant","content":null,"refusal":"I can't help with that."}}],
             "usage":{"prompt_tokens":20,"completion_tokens":5,"total_tokens":25}}
            """));
        var refused = Assert.ThrowsAsync<ScopeJudgeException>(async () => await judge.JudgeAsync(Ask("q"), CancellationToken.None));

        Assert.That(capped!.Message, Does.Contain("token cap"));
        Assert.That((failed!.Message, failed.ModelUsage), Is.EqualTo(("The scope judge call failed (HTTP 500).", (ModelCallUsage?)null)));
        Assert.That(refused!.Message, Does.Contain("refused"));
        Assert.That(refused.ModelUsage!.Usage, Is.EqualTo(new TokenUsage(20, 5)));
    }

    private static ScopeJudgeRequest Ask(string text)
    {
        ScopeJudgeRequest? asked = null;
        var capture = new RecordingScopeJudge((request, _) =>
        {
            asked = request;
            return Task.FromResult(new ScopeJudgement(false, 0, null));
        });
        _ = ScopeCheck.OffTopic("A shop's customer support.", Options, capture)
            .InspectAsync(new SafetyRequest([SafetyMessage.FromText(MessageRole.User, text)], "gpt-4o-mini"), CancellationToken.None).AsTask().Result;
        return asked!;
    }
}
