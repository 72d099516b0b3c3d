using System.Text.Json;
using OpenAI.Chat;
using SafeOpenAI.Testing;
using SafeOpenAI.Tests.Integration;

namespace SafeOpenAI.Tests.Tools;

/// <summary>The tool-call guard end to end: the real OpenAI SDK over HTTP to the local endpoint on 127.0.0.1.</summary>
public class ToolCallIntegrationTests
{
    private static SafeChatRequest Ask(params ChatTool[] tools)
    {
        var options = new ChatCompletionOptions();
        foreach (var tool in tools)
        {
            options.Tools.Add(tool);
        }

        return new SafeChatRequest([ChatMessage.CreateSystemMessage("You are helpful."), ChatMessage.CreateUserMessage("What is the weather in Paris?")])
        {
            Identity = new SafetyIdentity("user-1", "session-1"),
            Options = options,
        };
    }

    private static ChatTool Weather() =>
        ChatTool.CreateFunctionTool("get_weather", "Gets the forecast.", BinaryData.FromString(ToolCallValidatorTests.WeatherSchema));

    private static ChatTool Email() => ChatTool.CreateFunctionTool("send_email", "Sends an email.");

    [Test]
    public async Task A_valid_call_to_an_offered_tool_reaches_the_caller()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddToolCallGuard());
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(string.Empty).WithToolCall("call_1", "get_weather", """{"city":"Paris","days":2}"""));

        var result = await host.Client.CompleteAsync(Ask(Weather(), Email()));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed), () => string.Join(", ", result.Verdicts));
        var call = result.Completion!.ToolCalls.Single();
        Assert.That(call.FunctionName, Is.EqualTo("get_weather"));
        Assert.That(call.FunctionArguments.ToString(), Is.EqualTo("""{"city":"Paris","days":2}"""));
        Assert.That(result.Completion.FinishReason, Is.EqualTo(ChatFinishReason.ToolCalls));
        using var sent = JsonDocument.Parse(host.Endpoint.ChatRequests.Single().Body);
        Assert.That(sent.RootElement.GetProperty("tools").GetArrayLength(), Is.EqualTo(2), "the offered tools are sent unchanged");
    }

    [Test]
    public async Task A_call_to_a_tool_that_was_not_offered_is_blocked_and_nothing_reaches_the_caller()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddToolCallGuard());
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(string.Empty).WithToolCall("call_1", "delete_account", """{"user":"ada"}"""));

        var result = await host.Client.CompleteAsync(Ask(Weather()));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.Completion, Is.Null);
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo(ToolCallValidator.NotAllowedCode));
        Assert.That(result.DecisiveVerdict.Phase, Is.EqualTo(SafetyPhase.Output));
        Assert.That(result.DecisiveVerdict.Evidence["tool"], Is.EqualTo("delete_account"));
        Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(1), "a refused tool is not asked for again");
        Assert.That(host.Audit.Records.Single().Outcome, Is.EqualTo(AuditOutcome.Blocked));
    }

    [Test]
    public async Task A_call_to_an_offered_tool_off_the_allow_list_is_blocked()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddToolCallGuard(o => o.AllowedTools.Add("get_weather")));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(string.Empty).WithToolCall("call_1", "send_email", """{"to":"all"}"""));

        var result = await host.Client.CompleteAsync(Ask(Weather(), Email()));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.Completion, Is.Null);
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo(ToolCallValidator.NotAllowedCode));
        Assert.That(result.DecisiveVerdict.Evidence["reason"], Is.EqualTo("not_on_allow_list"));
    }

    [TestCase("""{"days":2}""", "#/city: required", "#/city")]
    [TestCase("""{"city":["Paris"]}""", "#/city: type", "#/city")]
    public async Task Invalid_arguments_are_blocked_with_the_pointer_when_the_reasks_are_spent(string arguments, string errors, string jsonPointer)
    {
        await using var host = await IntegrationHost.StartAsync(o => o.MaxReasks = 0, b => b.AddToolCallGuard());
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(string.Empty).WithToolCall("call_1", "get_weather", arguments));

        var result = await host.Client.CompleteAsync(Ask(Weather()));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.Completion, Is.Null);
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo(ToolCallValidator.ArgumentsInvalidCode));
        Assert.That(result.DecisiveVerdict.Evidence["pointer"], Is.EqualTo(jsonPointer));
        Assert.That(result.DecisiveVerdict.Evidence["errors"], Is.EqualTo(errors));
        Assert.That(result.DecisiveVerdict.Evidence.Values, Has.None.Contains("Paris"));
    }

    [Test]
    public async Task Invalid_arguments_are_reasked_with_the_error_and_a_corrected_call_completes()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddToolCallGuard());
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(string.Empty).WithToolCall("call_1", "get_weather", """{"days":2}"""));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(string.Empty).WithToolCall("call_2", "get_weather", """{"city":"Paris"}"""));

        var result = await host.Client.CompleteAsync(Ask(Weather()));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed), () => string.Join(", ", result.Verdicts));
        Assert.That(result.Completion!.ToolCalls.Single().Id, Is.EqualTo("call_2"));
        var reask = result.Verdicts.Single(v => v.Code == SafetyPipeline.ReaskCode);
        Assert.That(reask.Evidence["reason_code"], Is.EqualTo(ToolCallValidator.ArgumentsInvalidCode));
        using var second = JsonDocument.Parse(host.Endpoint.ChatRequests[1].Body);
        var last = second.RootElement.GetProperty("messages").EnumerateArray().Last();
        Assert.That(last.GetProperty("role").GetString(), Is.EqualTo("user"));
        Assert.That(last.GetProperty("content").ToString(), Does.Contain("get_weather").And.Contain("$.city: required"));
    }

    [Test]
    public async Task Configured_under_Defenses_the_guard_binds_its_options_and_blocks()
    {
        await using var host = await ConfiguredHost.StartAsync(ConfiguredHost.Settings(
            ("SafeOpenAI:Defenses:ToolCalls:Enabled", "true"),
            ("SafeOpenAI:Defenses:ToolCalls:AllowedTools:0", "get_weather"),
            ("SafeOpenAI:Defenses:ToolCalls:MaxArgumentCharacters", "64")));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(string.Empty).WithToolCall("call_1", "send_email", "{}"));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(string.Empty).WithToolCall("call_1", "get_weather", """{"city":"Paris"}"""));

        var offList = await host.Client.CompleteAsync(Ask(Weather(), Email()));
        var allowed = await host.Client.CompleteAsync(Ask(Weather(), Email()));

        Assert.That(host.Pipeline.Stages.Select(s => s.Name), Does.Contain("ToolCalls"));
        Assert.That(offList.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(offList.DecisiveVerdict!.Evidence["reason"], Is.EqualTo("not_on_allow_list"));
        Assert.That(allowed.Status, Is.EqualTo(SafeChatStatus.Completed), () => string.Join(", ", allowed.Verdicts));
    }

    [Test]
    public void A_configured_limit_below_one_is_refused_naming_the_key()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ConfiguredHost.Register(ConfiguredHost.Settings(
            ("SafeOpenAI:Defenses:ToolCalls:Enabled", "true"),
            ("SafeOpenAI:Defenses:ToolCalls:MaxArgumentCharacters", "0"))));

        Assert.That(error!.ParamName, Is.EqualTo("SafeOpenAI:Defenses:ToolCalls:MaxArgumentCharacters"));
    }

    [Test]
    public async Task A_streamed_call_to_a_tool_that_was_not_offered_never_reaches_the_caller()
    {
        await using var host = await IntegrationHost.StartAsync(o => o.Streaming.WindowCharacters = 20, b => b.AddToolCallGuard());
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Streamed("Let me ", "check the ", "weather. ", "One moment ", "please.").WithToolCall("call_1", "delete_account", """{"user":"ada"}"""));
        var request = Ask(Weather());

        var (updates, thrown) = await StreamAsync(host, request);

        Assert.That(thrown?.Verdict.Code, Is.EqualTo(ToolCallValidator.NotAllowedCode), "the stream ends with the block");
        Assert.That(updates.SelectMany(u => u.ToolCallUpdates), Is.Empty, "no tool-call delta reached the caller");
        Assert.That(updates.SelectMany(u => u.ContentUpdate), Is.Empty, "a request with tools is held back whole");
    }

    [Test]
    public async Task A_streamed_valid_call_passes_through_intact()
    {
        await using var host = await IntegrationHost.StartAsync(o => o.Streaming.WindowCharacters = 20, b => b.AddToolCallGuard());
        const string arguments = """{"city":"Paris","days":3}""";
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Streamed("Checking. ").WithToolCall("call_1", "get_weather", arguments));
        var request = Ask(Weather());

        var (updates, thrown) = await StreamAsync(host, request);
        Assert.That(thrown, Is.Null, "a valid call is not blocked");

        var calls = updates.SelectMany(u => u.ToolCallUpdates).ToList();
        Assert.That(calls.Select(c => c.FunctionName).Where(n => n is not null), Is.EqualTo(new[] { "get_weather" }));
        Assert.That(string.Concat(calls.Select(c => c.FunctionArgumentsUpdate?.ToString())), Is.EqualTo(arguments));
    }

    [Test]
    public async Task In_cut_off_mode_a_refused_streamed_call_ends_the_stream_after_its_deltas_were_seen()
    {
        await using var host = await IntegrationHost.StartAsync(
            o =>
            {
                o.Streaming.WindowCharacters = 20;
                o.Streaming.Mode = StreamingMode.CutOff;
            },
            b => b.AddToolCallGuard());
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Streamed("Let me ", "check. ").WithToolCall("call_1", "delete_account", """{"user":"ada"}"""));
        var request = Ask(Weather());

        var (updates, thrown) = await StreamAsync(host, request);

        Assert.That(thrown?.Verdict.Code, Is.EqualTo(ToolCallValidator.NotAllowedCode), "the stream ends with the block");
        Assert.That(updates.SelectMany(u => u.ToolCallUpdates), Is.Not.Empty, "the documented exposure of CutOff");
    }

    // Reads a whole stream as a caller would; a block ends it with the exception, after what was already released.
    private static async Task<(List<StreamingChatCompletionUpdate> Updates, SafetyViolationException? Thrown)> StreamAsync(IntegrationHost host, SafeChatRequest request)
    {
        var updates = new List<StreamingChatCompletionUpdate>();
        try
        {
            await foreach (var update in host.Client.CompleteChatStreamingAsync(request.Messages, request.Options))
            {
                updates.Add(update);
            }
        }
        catch (SafetyViolationException thrown)
        {
            return (updates, thrown);
        }

        return (updates, null);
    }
}
