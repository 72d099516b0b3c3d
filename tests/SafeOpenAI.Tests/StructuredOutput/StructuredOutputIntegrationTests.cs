using System.Text.Json;
using OpenAI.Chat;
using SafeOpenAI.Testing;
using SafeOpenAI.Tests.Integration;

namespace SafeOpenAI.Tests.StructuredOutput;

/// <summary>Structured output end to end: the real OpenAI SDK over HTTP to the local endpoint on 127.0.0.1.</summary>
public class StructuredOutputIntegrationTests
{
    private const string ValidPerson = """{"name":"Ada","age":36,"tags":["math"],"priority":"High","address":{"street":"12 St James's Sq","city":"London"}}""";
    private const string PersonWithTextAge = """{"name":"Ada","age":"thirty-six","tags":["math"],"priority":"High","address":null}""";

    /// <summary>A chat completion whose message is a refusal (38 billed tokens), as OpenAI sends it for structured output.</summary>
    private const string RefusalCompletion = """
        {"id":"chatcmpl-refusal","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini",
         "choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I can't help with that request."},"finish_reason":"stop","logprobs":null}],
         "usage":{"prompt_tokens":30,"completion_tokens":8,"total_tokens":38}}
        """;

    private static SafeChatRequest Ask() => IntegrationHost.Ask("Describe Ada Lovelace as a person record.");

    private static string MessageText(JsonElement message)
    {
        var content = message.GetProperty("content");
        return content.ValueKind == JsonValueKind.String
            ? content.GetString()!
            : string.Concat(content.EnumerateArray().Select(p => p.GetProperty("text").GetString()));
    }

    [Test]
    public async Task A_valid_answer_is_deserialised_and_the_request_carries_a_strict_json_schema_format()
    {
        await using var host = await IntegrationHost.StartAsync();
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(ValidPerson));

        var result = await host.Client.CompleteAsync<Person>(Ask());

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(result.Value, Is.EqualTo(new Person("Ada", 36, result.Value!.Tags, Priority.High, new Address("12 St James's Sq", "London"))));
        Assert.That(result.Value.Tags, Is.EqualTo(new[] { "math" }));
        Assert.That(result.Verdicts.Select(v => v.Code), Does.Not.Contain(SafetyPipeline.ReaskCode));
        using var sent = JsonDocument.Parse(host.Endpoint.ChatRequests.Single().Body);
        var format = sent.RootElement.GetProperty("response_format");
        Assert.That(format.GetProperty("type").GetString(), Is.EqualTo("json_schema"));
        var jsonSchema = format.GetProperty("json_schema");
        Assert.That(jsonSchema.GetProperty("name").GetString(), Is.EqualTo("Person"));
        Assert.That(jsonSchema.GetProperty("strict").GetBoolean(), Is.True);
        var schema = jsonSchema.GetProperty("schema");
        Assert.That(schema.GetProperty("additionalProperties").GetBoolean(), Is.False);
        Assert.That(schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "name", "age", "tags", "priority", "address" }));
    }

    [Test]
    public async Task The_offline_model_answers_a_schema_request_with_json_that_follows_it()
    {
        await using var host = await IntegrationHost.StartAsync();

        var result = await host.Client.CompleteAsync<Trip>(Ask());

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed), () => string.Join(", ", result.Verdicts));
        Assert.That(result.Value!.Home.City, Is.EqualTo(OfflineChatModel.Marker + " city"));
        Assert.That(result.Value.Leaves, Is.EqualTo(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public async Task An_invalid_answer_is_reasked_with_the_errors_and_both_attempts_are_billed_and_settled()
    {
        var budget = new FakeBudgetTracker();
        await using var host = await IntegrationHost.StartAsync(build: b => b.UseBudgetTracker(_ => budget));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(PersonWithTextAge).WithUsage(40, 10));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(ValidPerson).WithUsage(60, 12));

        var result = await host.Client.CompleteAsync<Person>(Ask());

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(result.Value!.Age, Is.EqualTo(36));
        Assert.That(result.Usage!.InputTokens, Is.EqualTo(100), "usage is summed over the attempts");
        Assert.That(result.Usage.OutputTokens, Is.EqualTo(22));
        var reask = result.Verdicts.Single(v => v.Code == SafetyPipeline.ReaskCode);
        Assert.That(reask.Action, Is.EqualTo(SafetyAction.Allow));
        Assert.That(reask.Evidence["reason_code"], Is.EqualTo(JsonSchemaValidator.InvalidCode));
        Assert.That(reask.Evidence["attempt"], Is.EqualTo("1"));
        Assert.That(reask.Evidence["errors"], Is.EqualTo("$.age: type"));
        Assert.That(reask.Evidence.Values, Has.None.Contains("thirty"));

        var requests = host.Endpoint.ChatRequests;
        Assert.That(requests, Has.Count.EqualTo(2));
        using var second = JsonDocument.Parse(requests[1].Body);
        var messages = second.RootElement.GetProperty("messages").EnumerateArray().ToList();
        Assert.That(messages, Has.Count.EqualTo(4));
        Assert.That(messages[2].GetProperty("role").GetString(), Is.EqualTo("assistant"));
        Assert.That(MessageText(messages[2]), Is.EqualTo(PersonWithTextAge), "the rejected answer is shown to the model");
        Assert.That(messages[3].GetProperty("role").GetString(), Is.EqualTo("user"));
        Assert.That(MessageText(messages[3]), Does.Contain("$.age: type"));
        Assert.That(second.RootElement.GetProperty("response_format").GetProperty("type").GetString(), Is.EqualTo("json_schema"), "the retry asks for the same schema");

        Assert.That(budget.ReserveCount, Is.EqualTo(2), "the reask is reserved like any call");
        Assert.That(budget.Settlements.Select(s => (s.Usage.InputTokens, s.Usage.OutputTokens)), Is.EqualTo(new[] { (40, 10), (60, 12) }));
        Assert.That(budget.Outstanding, Is.Empty);
        Assert.That(host.Audit.Records.Single().Usage!.TotalTokens, Is.EqualTo(122));
    }

    [Test]
    public async Task When_the_reasks_are_spent_the_call_is_blocked_with_the_error_paths()
    {
        var budget = new FakeBudgetTracker();
        await using var host = await IntegrationHost.StartAsync(o => o.MaxReasks = 2, b => b.UseBudgetTracker(_ => budget));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(PersonWithTextAge), 3);

        var result = await host.Client.CompleteAsync<Person>(Ask());

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.Value, Is.Null);
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo(JsonSchemaValidator.InvalidCode));
        Assert.That(result.DecisiveVerdict.Evidence["reason"], Is.EqualTo("schema_violation"));
        Assert.That(result.DecisiveVerdict.Evidence["errors"], Is.EqualTo("$.age: type"));
        Assert.That(result.DecisiveVerdict.Phase, Is.EqualTo(SafetyPhase.Output));
        Assert.That(result.Verdicts.Count(v => v.Code == SafetyPipeline.ReaskCode), Is.EqualTo(2));
        Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(3));
        Assert.That(budget.Settlements, Has.Count.EqualTo(3), "every attempt was billed and is settled");
        Assert.That(budget.Outstanding, Is.Empty);
        var audit = host.Audit.Records.Single();
        Assert.That(audit.DecisiveCode, Is.EqualTo(JsonSchemaValidator.InvalidCode));
        Assert.That(audit.VerdictCodes, Does.Contain("JsonSchemaValidator:schema.invalid"), "the rejection is in the trail");
    }

    [Test]
    public async Task A_drop_in_call_with_a_json_schema_format_is_validated_and_throws_when_the_reasks_are_spent()
    {
        await using var host = await IntegrationHost.StartAsync(o => o.MaxReasks = 1);
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Here you go: {\"city\": 5}"), 2);
        var options = PlaceOptions();
        using var identity = AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("drop-in"));

        var thrown = Assert.ThrowsAsync<SafetyViolationException>(() => host.Client.CompleteChatAsync([ChatMessage.CreateUserMessage("Where?")], options));

        Assert.That(thrown!.Verdict.Code, Is.EqualTo(JsonSchemaValidator.InvalidCode));
        Assert.That(thrown.Verdict.Evidence["reason"], Is.EqualTo("invalid_json"));
        Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(2));
        Assert.That(options.SafetyIdentifier, Is.Null, "the caller's options are not changed");
    }

    [Test]
    public async Task A_drop_in_call_with_a_valid_answer_returns_the_models_completion()
    {
        await using var host = await IntegrationHost.StartAsync();
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("""{"city":"Paris"}"""));
        var options = PlaceOptions();

        var completion = await host.Client.CompleteChatAsync([ChatMessage.CreateUserMessage("Where?")], options);

        Assert.That(completion.Value.Content[0].Text, Is.EqualTo("""{"city":"Paris"}"""));
        Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_streamed_answer_that_breaks_the_schema_is_blocked_without_a_reask_and_yields_nothing()
    {
        await using var host = await IntegrationHost.StartAsync();
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("""{"city": 5}"""));
        var options = PlaceOptions();
        using var identity = AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("streamer"));

        var yielded = 0;
        var thrown = Assert.ThrowsAsync<SafetyViolationException>(async () =>
        {
            await foreach (var update in host.Client.CompleteChatStreamingAsync([ChatMessage.CreateUserMessage("Where?")], options))
            {
                yielded += update.ContentUpdate.Count;
            }
        });

        Assert.That(thrown!.Verdict.Code, Is.EqualTo(JsonSchemaValidator.InvalidCode));
        Assert.That(thrown.Verdict.Evidence["errors"], Is.EqualTo("$.city: type"));
        Assert.That(yielded, Is.Zero, "a schema is judged on the whole answer, so nothing was released");
        Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(1), "a streamed answer is not re-asked");
    }

    [Test]
    public async Task A_streamed_answer_that_follows_the_schema_is_released()
    {
        await using var host = await IntegrationHost.StartAsync();
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("""{"city": "Paris"}"""));
        var options = PlaceOptions();
        using var identity = AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("streamer"));

        var text = new System.Text.StringBuilder();
        await foreach (var update in host.Client.CompleteChatStreamingAsync([ChatMessage.CreateUserMessage("Where?")], options))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        Assert.That(text.ToString(), Is.EqualTo("""{"city": "Paris"}"""));
    }

    [Test]
    public async Task A_raw_schema_on_the_request_is_sent_and_enforced()
    {
        await using var host = await IntegrationHost.StartAsync(o => o.MaxReasks = 0);
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("""{"total":"12.50"}"""));
        var ask = Ask();
        var request = new SafeChatRequest(ask.Messages)
        {
            Identity = ask.Identity,
            ResponseSchema = new JsonResponseSchema("invoice", """{"type":"object","properties":{"total":{"type":"number"}},"required":["total"],"additionalProperties":false}""", strict: true),
        };

        var result = await host.Client.CompleteAsync(request);

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Evidence["errors"], Is.EqualTo("$.total: type"));
        using var sent = JsonDocument.Parse(host.Endpoint.ChatRequests.Single().Body);
        Assert.That(sent.RootElement.GetProperty("response_format").GetProperty("json_schema").GetProperty("name").GetString(), Is.EqualTo("invoice"));
    }

    [Test]
    public async Task A_refusal_repeated_on_every_reask_ends_blocked_with_every_attempt_billed()
    {
        await using var host = await IntegrationHost.StartAsync();
        host.Endpoint.Chat.Handler = _ => ScriptedChatResponse.Raw(200, RefusalCompletion);

        var result = await host.Client.CompleteAsync<Person>(Ask());

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo(JsonSchemaValidator.InvalidCode));
        Assert.That(result.DecisiveVerdict.Evidence["reason"], Is.EqualTo("refusal"));
        Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(3), "the first answer and two re-asks (MaxReasks = 2)");
        Assert.That(result.Usage!.TotalTokens, Is.EqualTo(3 * 38), "every refused attempt was billed");
        using var second = JsonDocument.Parse(host.Endpoint.ChatRequests[1].Body);
        Assert.That(MessageText(second.RootElement.GetProperty("messages").EnumerateArray().Last()), Does.Contain("refusing again is the right answer"));
    }

    [Test]
    public async Task A_spurious_refusal_gets_a_second_chance()
    {
        await using var host = await IntegrationHost.StartAsync();
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Raw(200, RefusalCompletion));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(ValidPerson));

        var result = await host.Client.CompleteAsync<Person>(Ask());

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(result.Verdicts.Single(v => v.Code == SafetyPipeline.ReaskCode).Evidence["reason"], Is.EqualTo("refusal"));
        Assert.That(result.Value, Is.Not.Null);
    }

    [Test]
    public async Task An_answer_cut_at_the_token_cap_is_reasked_as_truncated()
    {
        await using var host = await IntegrationHost.StartAsync();
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("""{"name":"Ada","age":36,"tags":["ma""").WithFinishReason("length"));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(ValidPerson));

        var result = await host.Client.CompleteAsync<Person>(Ask());

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(result.Verdicts.Single(v => v.Code == SafetyPipeline.ReaskCode).Evidence["reason"], Is.EqualTo("truncated"));
        using var second = JsonDocument.Parse(host.Endpoint.ChatRequests[1].Body);
        Assert.That(MessageText(second.RootElement.GetProperty("messages").EnumerateArray().Last()), Does.Contain("cut off at the output token limit"));
    }

    [Test]
    public async Task A_reask_the_budget_denies_blocks_with_the_budget_code()
    {
        var reservations = 0;
        var budget = new FakeBudgetTracker { ShouldGrant = _ => Interlocked.Increment(ref reservations) == 1 };
        await using var host = await IntegrationHost.StartAsync(build: b => b.UseBudgetTracker(_ => budget));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(PersonWithTextAge).WithUsage(40, 10));

        var result = await host.Client.CompleteAsync<Person>(Ask());

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo("budget.exceeded:user-hour-tokens"));
        Assert.That(result.Verdicts.Select(v => v.Code), Does.Contain(SafetyPipeline.ReaskCode));
        Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(1), "the denied reask never reached the model");
        Assert.That(budget.Settlements.Single().Usage.TotalTokens, Is.EqualTo(50), "the first attempt is still settled");
        Assert.That(budget.Outstanding, Is.Empty);
    }

    [Test]
    public async Task An_answer_that_passes_the_schema_but_cannot_be_deserialised_throws_a_typed_error()
    {
        await using var host = await IntegrationHost.StartAsync();
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("""{"amount":-5}"""));

        var thrown = Assert.ThrowsAsync<StructuredOutputException>(() => host.Client.CompleteAsync<Positive>(Ask()));

        Assert.That(thrown!.TargetType, Is.EqualTo(typeof(Positive)));
        Assert.That(thrown.Result.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(thrown.Result.AuditId, Is.EqualTo(host.Audit.Records.Single().AuditId));
        Assert.That(thrown.Message, Does.Not.Contain("-5"));
    }

    [Test]
    public async Task A_response_schema_on_the_request_and_a_type_at_once_is_an_argument_error()
    {
        await using var host = await IntegrationHost.StartAsync();
        var request = new SafeChatRequest(Ask().Messages) { ResponseSchema = new JsonResponseSchema("x", "{}", strict: false) };

        Assert.ThrowsAsync<ArgumentException>(() => host.Client.CompleteAsync<Person>(request));
        Assert.That(host.Endpoint.ChatRequests, Is.Empty);
    }

    /// <summary>Drop-in options asking for a strict <c>place</c> object with a <c>city</c> string.</summary>
    private static ChatCompletionOptions PlaceOptions() => new()
    {
        ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat(
            "place",
            BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}"""),
            jsonSchemaIsStrict: true),
    };
}
