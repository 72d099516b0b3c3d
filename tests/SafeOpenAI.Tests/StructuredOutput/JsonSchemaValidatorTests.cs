using System.Text.Json.Nodes;

namespace SafeOpenAI.Tests.StructuredOutput;

public class JsonSchemaValidatorTests
{
    private const string PersonSchema = """
        {
          "type": "object",
          "properties": {
            "name": { "type": "string" },
            "age": { "type": "integer", "minimum": 0 },
            "tags": { "type": "array", "items": { "type": "string" } },
            "kind": { "const": "person" },
            "address": {
              "anyOf": [
                { "type": "object", "properties": { "city": { "type": "string" } }, "required": ["city"], "additionalProperties": false },
                { "type": "null" }
              ]
            }
          },
          "required": ["name", "age", "tags", "kind", "address"],
          "additionalProperties": false
        }
        """;

    private static SafetyRequest Request(string? schema = PersonSchema) =>
        new([SafetyMessage.FromText(MessageRole.User, "Describe Ada.")], "gpt-4o-mini")
        {
            ResponseSchema = schema is null ? null : new JsonResponseSchema("person", schema, strict: true),
        };

    private static SafetyResponse Answer(string text, string finishReason = "stop", string? refusal = null) =>
        new(text.Length == 0 ? [] : [MessagePart.FromText(text)], new TokenUsage(10, 5), finishReason, refusal: refusal);

    private static async Task<OutputValidationResult> ValidateAsync(string text, string finishReason = "stop", string? refusal = null) =>
        await new JsonSchemaValidator().ValidateAsync(Request(), Answer(text, finishReason, refusal), CancellationToken.None);

    [Test]
    public void Without_a_schema_the_validator_is_not_called_and_with_one_it_needs_the_whole_answer()
    {
        var validator = new JsonSchemaValidator();

        Assert.That(validator.GetScope(Request(schema: null)), Is.EqualTo(OutputValidationScope.None));
        Assert.That(validator.GetScope(Request()), Is.EqualTo(OutputValidationScope.WholeAnswer));
    }

    [Test]
    public async Task A_valid_answer_is_allowed()
    {
        var result = await ValidateAsync("""{"name":"Ada","age":36,"tags":["math"],"kind":"person","address":{"city":"London"}}""");

        Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Allow));
        Assert.That(result.ReaskFeedback, Is.Null);
    }

    [Test]
    public async Task A_null_for_a_nullable_object_is_allowed()
    {
        var result = await ValidateAsync("""{"name":"Ada","age":36,"tags":[],"kind":"person","address":null}""");

        Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Allow));
    }

    [Test]
    public async Task Invalid_json_is_reasked_with_its_position_and_without_its_text()
    {
        var result = await ValidateAsync("""Sure! {"name": "Ada Lovelace", """);

        Assert.That(result.ReaskFeedback, Does.Contain("not valid JSON").And.Contain("line 1, byte 1"));
        Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Block));
        Assert.That(result.Verdict.Code, Is.EqualTo("schema.invalid"));
        Assert.That(result.Verdict.Evidence["reason"], Is.EqualTo("invalid_json"));
        Assert.That(result.Verdict.Evidence["errors"], Is.EqualTo("$: invalid_json at line 1, byte 1"));
        Assert.That(result.Verdict.Evidence["schema"], Is.EqualTo("person"));
        Assert.That(string.Join("|", result.Verdict.Evidence.Values), Does.Not.Contain("Lovelace"));
    }

    [Test]
    public async Task Trailing_prose_after_the_json_is_invalid_json()
    {
        var result = await ValidateAsync("""{"name":"Ada","age":36,"tags":[],"kind":"person","address":null} Hope this helps!""");

        Assert.That(result.Verdict.Evidence["reason"], Is.EqualTo("invalid_json"));
    }

    [Test]
    public async Task A_schema_violation_lists_paths_and_keywords_but_no_values()
    {
        var result = await ValidateAsync("""{"name":"Ada Lovelace","age":"thirty-six","tags":["math", 7],"kind":"robot","address":{"zip":"SW1A 1AA"},"secret":"hunter2"}""");

        Assert.That(result.ReaskFeedback, Is.Not.Null);
        var evidence = result.Verdict.Evidence;
        Assert.That(evidence["reason"], Is.EqualTo("schema_violation"));
        var errors = evidence["errors"].Split("; ");
        Assert.That(errors, Is.SupersetOf(new[]
        {
            "$.age: type",
            "$.tags[1]: type",
            "$.kind: enum",
            "$.address.city: required",
            "$.address: additionalProperties",
            "$: additionalProperties",
        }));
        Assert.That(int.Parse(evidence["error_count"], System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThanOrEqualTo(errors.Length));
        var everything = string.Join("|", evidence.Values);
        Assert.That(everything, Does.Not.Contain("thirty").And.Not.Contain("robot").And.Not.Contain("hunter2").And.Not.Contain("secret").And.Not.Contain("zip"));
        Assert.That(result.ReaskFeedback, Does.Contain("$.age: type").And.Contain("$.secret: additionalProperties"), "the model is told which key to drop");
    }

    [Test]
    public async Task A_missing_property_is_reported_as_required()
    {
        var result = await ValidateAsync("""{"name":"Ada","tags":[],"kind":"person","address":null}""");

        Assert.That(result.Verdict.Evidence["errors"], Is.EqualTo("$.age: required"));
        Assert.That(result.Verdict.Evidence["error_count"], Is.EqualTo("1"));
    }

    [Test]
    public async Task At_most_ten_errors_are_reported()
    {
        var tags = string.Join(",", Enumerable.Range(0, 30));
        var result = await ValidateAsync($$"""{"name":"Ada","age":1,"tags":[{{tags}}],"kind":"person","address":null}""");

        Assert.That(result.Verdict.Evidence["errors"].Split("; "), Has.Length.EqualTo(JsonSchemaValidator.MaxReportedErrors));
        Assert.That(result.Verdict.Evidence["error_count"], Is.EqualTo("30"));
        Assert.That(result.ReaskFeedback, Does.Contain("and 20 more"));
    }

    [Test]
    public async Task A_refusal_is_reasked_without_pressing_the_model()
    {
        var result = await ValidateAsync(string.Empty, refusal: "I can't help with that.");

        Assert.That(result.ReaskFeedback, Does.Contain("refusing again is the right answer"));
        Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Block));
        Assert.That(result.Verdict.Code, Is.EqualTo("schema.invalid"));
        Assert.That(result.Verdict.Evidence["reason"], Is.EqualTo("refusal"));
        Assert.That(string.Join("|", result.Verdict.Evidence.Values), Does.Not.Contain("help"));
    }

    [Test]
    public async Task An_answer_cut_at_the_token_cap_is_truncated()
    {
        var result = await ValidateAsync("""{"name":"Ada","age":36,"ta""", finishReason: "length");

        Assert.That(result.Verdict.Evidence["reason"], Is.EqualTo("truncated"));
        Assert.That(result.ReaskFeedback, Does.Contain("cut off at the output token limit"));
    }

    [Test]
    public async Task A_complete_valid_answer_at_the_token_cap_is_allowed()
    {
        var result = await ValidateAsync("""{"name":"Ada","age":36,"tags":[],"kind":"person","address":null}""", finishReason: "length");

        Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Allow));
    }

    [Test]
    public async Task A_tool_call_turn_is_not_the_structured_answer()
    {
        var response = new SafetyResponse([], new TokenUsage(1, 1), "tool_calls", [new ToolCallInfo("call_1", "lookup", "{}")]);

        var result = await new JsonSchemaValidator().ValidateAsync(Request(), response, CancellationToken.None);

        Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Allow));
    }

    [Test]
    public async Task Recursive_and_definition_references_are_followed()
    {
        const string schema = """
            {"type":"object","properties":{"label":{"type":"string"},"next":{"anyOf":[{"$ref":"#"},{"type":"null"}]},"home":{"$ref":"#/$defs/place"}},
             "required":["label","next","home"],"additionalProperties":false,
             "$defs":{"place":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}}}
            """;
        var request = Request(schema);
        var validator = new JsonSchemaValidator();

        var valid = await validator.ValidateAsync(request, Answer("""{"label":"a","next":{"label":"b","next":null,"home":{"city":"x"}},"home":{"city":"y"}}"""), CancellationToken.None);
        var invalid = await validator.ValidateAsync(request, Answer("""{"label":"a","next":{"label":2,"next":null,"home":{}},"home":{"city":"y"}}"""), CancellationToken.None);

        Assert.That(valid.Verdict.Action, Is.EqualTo(SafetyAction.Allow));
        Assert.That(invalid.Verdict.Evidence["errors"].Split("; "), Is.EquivalentTo(new[] { "$.next.label: type", "$.next.home.city: required" }));
    }

    [Test]
    public async Task Properties_named_like_keywords_are_properties()
    {
        const string schema = """{"type":"object","properties":{"const":{"type":"string"},"$defs":{"type":"integer"}},"required":["const","$defs"],"additionalProperties":false}""";

        var result = await new JsonSchemaValidator().ValidateAsync(Request(schema), Answer("""{"const":5,"$defs":1}"""), CancellationToken.None);

        Assert.That(result.Verdict.Evidence["errors"], Is.EqualTo("$.const: type"));
    }

    [Test]
    public void A_schema_that_is_not_json_is_an_argument_error()
    {
        var request = Request("{ not a schema");

        Assert.ThrowsAsync<ArgumentException>(async () => await new JsonSchemaValidator().ValidateAsync(request, Answer("{}"), CancellationToken.None));
    }

    [Test]
    public async Task The_strict_schema_of_a_type_accepts_what_System_Text_Json_writes_for_it()
    {
        var schema = StrictJsonSchema.For(typeof(Trip), StrictJsonSchema.DefaultSerializerOptions);
        var request = new SafetyRequest([SafetyMessage.FromText(MessageRole.User, "Plan.")], "gpt-4o-mini") { ResponseSchema = schema };
        var trip = new Trip(new Address("1 Main St", "Springfield"), new Address("2 Side St", "Shelbyville"), DateTimeOffset.UnixEpoch, null);
        var json = System.Text.Json.JsonSerializer.Serialize(trip, StrictJsonSchema.DefaultSerializerOptions);

        var result = await new JsonSchemaValidator().ValidateAsync(request, Answer(json), CancellationToken.None);
        var broken = await new JsonSchemaValidator().ValidateAsync(request, Answer(json.Replace("\"Shelbyville\"", "5", StringComparison.Ordinal)), CancellationToken.None);

        Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Allow), json);
        Assert.That(broken.Verdict.Evidence["errors"], Is.EqualTo("$.work.city: type"));
    }

    [Test]
    public async Task A_strict_schema_with_a_nested_recursive_type_validates_through_its_definitions()
    {
        var schema = StrictJsonSchema.For(typeof(Org), StrictJsonSchema.DefaultSerializerOptions);
        var request = new SafetyRequest([SafetyMessage.FromText(MessageRole.User, "Chart.")], "gpt-4o-mini") { ResponseSchema = schema };
        var boss = new Employee("Grace", [new Employee("Alan", [], new Address("3 Lab Rd", "Bletchley"))], null);
        var json = System.Text.Json.JsonSerializer.Serialize(new Org("Navy", boss, null), StrictJsonSchema.DefaultSerializerOptions);
        var validator = new JsonSchemaValidator();

        var valid = await validator.ValidateAsync(request, Answer(json), CancellationToken.None);
        var invalid = await validator.ValidateAsync(request, Answer(json.Replace("\"Bletchley\"", "false", StringComparison.Ordinal)), CancellationToken.None);

        Assert.That(JsonNode.Parse(schema.Schema)!["$defs"], Is.Not.Null, schema.Schema);
        Assert.That(valid.Verdict.Action, Is.EqualTo(SafetyAction.Allow), schema.Schema);
        Assert.That(invalid.Verdict.Evidence["errors"], Is.EqualTo("$.boss.reports[0].office.city: type"));
    }
}
