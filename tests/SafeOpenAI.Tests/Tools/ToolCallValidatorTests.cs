namespace SafeOpenAI.Tests.Tools;

public class ToolCallValidatorTests
{
    internal const string WeatherSchema = """
        {
          "type": "object",
          "properties": {
            "city": { "type": "string" },
            "days": { "type": "integer", "minimum": 1 },
            "units": { "enum": ["metric", "imperial"] },
            "place": { "type": "object", "properties": { "lat": { "type": "number" } }, "required": ["lat"], "additionalProperties": false }
          },
          "required": ["city"],
          "additionalProperties": false
        }
        """;

    private static SafetyRequest Request(params ToolDefinition[] tools) =>
        new([SafetyMessage.FromText(MessageRole.User, "What is the weather in Paris?")], "gpt-4o-mini") { Tools = tools };

    private static SafetyRequest WeatherRequest() =>
        Request(new ToolDefinition("get_weather", WeatherSchema), new ToolDefinition("send_email", null));

    private static SafetyResponse Calls(params ToolCallInfo[] calls) => new([], new TokenUsage(10, 5), "tool_calls", calls);

    private static ToolCallInfo Call(string name, string arguments, string id = "call_1") => new(id, name, arguments);

    private static ValueTask<OutputValidationResult> ValidateAsync(SafetyResponse response, Action<ToolCallGuardOptions>? configure = null, SafetyRequest? request = null)
    {
        var options = new ToolCallGuardOptions();
        configure?.Invoke(options);
        return new ToolCallValidator(options).ValidateAsync(request ?? WeatherRequest(), response, CancellationToken.None);
    }

    [Test]
    public void A_request_without_tools_is_not_checked_and_one_with_tools_is_checked_whole()
    {
        var validator = new ToolCallValidator(new ToolCallGuardOptions());

        Assert.That(validator.GetScope(Request()), Is.EqualTo(OutputValidationScope.None));
        Assert.That(validator.GetScope(WeatherRequest()), Is.EqualTo(OutputValidationScope.WholeAnswer));
        Assert.That(validator.Name, Is.EqualTo("ToolCalls"));
    }

    [Test]
    public async Task A_valid_call_to_an_offered_tool_and_an_answer_without_calls_are_allowed()
    {
        var valid = await ValidateAsync(Calls(Call("get_weather", """{"city":"Paris","days":3,"units":"metric","place":{"lat":48.85}}"""), Call("send_email", """{"to":"x"}""", "call_2")));
        var text = await ValidateAsync(new SafetyResponse([MessagePart.FromText("It is sunny.")], null));

        Assert.That(valid.Verdict.Action, Is.EqualTo(SafetyAction.Allow));
        Assert.That(valid.ReaskFeedback, Is.Null);
        Assert.That(text.Verdict.Action, Is.EqualTo(SafetyAction.Allow));
    }

    [Test]
    public async Task A_call_to_a_tool_the_request_did_not_offer_is_blocked_without_a_reask()
    {
        var result = await ValidateAsync(Calls(Call("get_weather", """{"city":"Paris"}"""), Call("delete_account", """{"user":"ada"}""", "call_2")));

        Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Block));
        Assert.That(result.Verdict.Code, Is.EqualTo(ToolCallValidator.NotAllowedCode));
        Assert.That(result.ReaskFeedback, Is.Null, "an injected call is not retried");
        Assert.That(result.Verdict.Evidence["reason"], Is.EqualTo("not_offered"));
        Assert.That(result.Verdict.Evidence["tool"], Is.EqualTo("delete_account"));
        Assert.That(result.Verdict.Evidence["call_index"], Is.EqualTo("1"));
        Assert.That(result.Verdict.Evidence.Values, Has.None.Contains("ada"));
    }

    [Test]
    public async Task The_allow_list_narrows_the_offered_tools()
    {
        var result = await ValidateAsync(Calls(Call("send_email", "{}")), o => o.AllowedTools.Add("get_weather"));

        Assert.That(result.Verdict.Code, Is.EqualTo(ToolCallValidator.NotAllowedCode));
        Assert.That(result.Verdict.Evidence["reason"], Is.EqualTo("not_on_allow_list"));
    }

    [Test]
    public async Task An_allowed_tool_that_was_not_offered_passes_only_when_offering_is_not_required()
    {
        var response = Calls(Call("lookup", """{"q":"x"}"""));

        var required = await ValidateAsync(response, o => o.AllowedTools.Add("lookup"));
        var notRequired = await ValidateAsync(response, o =>
        {
            o.AllowedTools.Add("lookup");
            o.RequireOfferedTool = false;
        });

        Assert.That(required.Verdict.Evidence["reason"], Is.EqualTo("not_offered"));
        Assert.That(notRequired.Verdict.Action, Is.EqualTo(SafetyAction.Allow));
    }

    [Test]
    public async Task An_empty_allow_list_means_the_offered_tools_even_when_offering_is_not_required()
    {
        var result = await ValidateAsync(Calls(Call("lookup", "{}")), o => o.RequireOfferedTool = false);

        Assert.That(result.Verdict.Code, Is.EqualTo(ToolCallValidator.NotAllowedCode));
        Assert.That(result.Verdict.Evidence["reason"], Is.EqualTo("not_offered"));
    }

    [TestCase("""{"days":2}""", "#/city: required", "#/city")]
    [TestCase("""{"city":42}""", "#/city: type", "#/city")]
    [TestCase("""{"city":"Paris","days":0}""", "#/days: minimum", "#/days")]
    [TestCase("""{"city":"Paris","units":"kelvin"}""", "#/units: enum", "#/units")]
    [TestCase("""{"city":"Paris","place":{}}""", "#/place/lat: required", "#/place/lat")]
    [TestCase("""{"city":"Paris","secret_token":"abc"}""", "#: additionalProperties", "#")]
    [TestCase("""["Paris"]""", "#: type; #/city: required", "#")]
    public async Task Arguments_that_break_the_schema_are_reasked_with_the_pointer_and_no_value(string arguments, string errors, string jsonPointer)
    {
        var result = await ValidateAsync(Calls(Call("get_weather", arguments)));

        Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Block));
        Assert.That(result.Verdict.Code, Is.EqualTo(ToolCallValidator.ArgumentsInvalidCode));
        Assert.That(result.Verdict.Evidence["reason"], Is.EqualTo("schema_violation"));
        Assert.That(result.Verdict.Evidence["tool"], Is.EqualTo("get_weather"));
        Assert.That(result.Verdict.Evidence["pointer"], Is.EqualTo(jsonPointer));
        Assert.That(result.Verdict.Evidence["errors"], Is.EqualTo(errors));
        Assert.That(result.Verdict.Evidence.Values, Has.None.Contains("kelvin").And.None.Contains("secret_token").And.None.Contains("Paris"));
        Assert.That(result.ReaskFeedback, Does.Contain("get_weather").And.Contain("Call the tools again"));
    }

    [Test]
    public async Task Arguments_that_are_not_json_are_invalid_even_for_a_tool_without_a_schema()
    {
        var result = await ValidateAsync(Calls(Call("send_email", "{to: ada}")));

        Assert.That(result.Verdict.Code, Is.EqualTo(ToolCallValidator.ArgumentsInvalidCode));
        Assert.That(result.Verdict.Evidence["reason"], Is.EqualTo("invalid_json"));
        Assert.That(result.Verdict.Evidence["pointer"], Is.EqualTo("#"));
        Assert.That(result.Verdict.Evidence["errors"], Does.StartWith("#: invalid_json at line 1"));
        Assert.That(result.Verdict.Evidence["errors"], Does.Not.Contain("ada"));
    }

    [Test]
    public async Task Blank_arguments_count_as_an_empty_object()
    {
        var noSchema = await ValidateAsync(Calls(Call("send_email", " ")));
        var withSchema = await ValidateAsync(Calls(Call("get_weather", string.Empty)));

        Assert.That(noSchema.Verdict.Action, Is.EqualTo(SafetyAction.Allow));
        Assert.That(withSchema.Verdict.Evidence["errors"], Is.EqualTo("#/city: required"));
    }

    [Test]
    public async Task Arguments_over_the_length_limit_are_invalid_even_when_arguments_are_not_validated()
    {
        var result = await ValidateAsync(Calls(Call("get_weather", """{"city":"Paris"}""")), o =>
        {
            o.MaxArgumentCharacters = 10;
            o.ValidateArguments = false;
        });
        var notValidated = await ValidateAsync(Calls(Call("get_weather", "not json")), o => o.ValidateArguments = false);

        Assert.That(result.Verdict.Code, Is.EqualTo(ToolCallValidator.ArgumentsInvalidCode));
        Assert.That(result.Verdict.Evidence["reason"], Is.EqualTo("too_long"));
        Assert.That(notValidated.Verdict.Action, Is.EqualTo(SafetyAction.Allow));
    }

    [Test]
    public async Task A_tool_name_that_is_not_a_function_name_is_not_repeated_in_evidence()
    {
        var result = await ValidateAsync(Calls(Call("send all mail to evil@example.com", "{}")));

        Assert.That(result.Verdict.Code, Is.EqualTo(ToolCallValidator.NotAllowedCode));
        Assert.That(result.Verdict.Evidence["tool"], Is.EqualTo("(invalid name)"));
    }

    [Test]
    public async Task The_first_invalid_call_decides_the_verdict_and_the_feedback_names_every_invalid_call()
    {
        var result = await ValidateAsync(Calls(Call("send_email", "nope", "call_1"), Call("get_weather", "{}", "call_2")));

        Assert.That(result.Verdict.Evidence["tool"], Is.EqualTo("send_email"));
        Assert.That(result.Verdict.Evidence["call_index"], Is.EqualTo("0"));
        Assert.That(result.ReaskFeedback, Does.Contain("'send_email'").And.Contain("'get_weather'").And.Contain("$.city: required"));
    }

    [Test]
    public void An_offered_schema_that_is_not_json_schema_throws_naming_the_schema()
    {
        var request = Request(new ToolDefinition("get_weather", "[1, 2]"));

        var error = Assert.ThrowsAsync<ArgumentException>(async () => await ValidateAsync(Calls(Call("get_weather", "{}")), request: request));

        Assert.That(error!.Message, Does.Contain("schema"));
    }

    [Test]
    public void Invalid_options_are_refused()
    {
        var tooShort = new ToolCallGuardOptions { MaxArgumentCharacters = 0 };
        var blank = new ToolCallGuardOptions();
        blank.AllowedTools.Add(" ");

        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ToolCallValidator(tooShort));
        Assert.Throws<ArgumentException>(() => _ = new ToolCallValidator(blank));
        Assert.Throws<ArgumentNullException>(() => _ = new ToolCallValidator(null!));
    }

    [Test]
    public void A_tool_definition_needs_a_name_and_a_schema_that_is_text_or_null()
    {
        Assert.Throws<ArgumentException>(() => _ = new ToolDefinition(" ", null));
        Assert.Throws<ArgumentException>(() => _ = new ToolDefinition("get_weather", " "));
        Assert.That(new ToolDefinition("get_weather", null).ParametersSchema, Is.Null);
    }

    [Test]
    public void The_offered_tools_survive_a_rewrite_of_the_request()
    {
        var request = WeatherRequest();

        var rewritten = request.WithMessages([SafetyMessage.FromText(MessageRole.User, "Other.")]);

        Assert.That(rewritten.Tools, Is.SameAs(request.Tools));
    }
}
