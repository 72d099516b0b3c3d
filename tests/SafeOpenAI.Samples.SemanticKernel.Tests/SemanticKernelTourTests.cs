using System.Text.Json;
using SafeOpenAI.Samples.SemanticKernel;
using SafeOpenAI.Testing;

namespace SafeOpenAI.Samples.SemanticKernel.Tests;

/// <summary>
/// Runs the sample's four steps offline against a real <see cref="LocalOpenAIEndpoint"/> and checks
/// each step both in what the sample printed and in what reached the model.
/// </summary>
public sealed class SemanticKernelTourTests
{
    private LocalOpenAIEndpoint _endpoint = null!;
    private string _output = string.Empty;
    private string[] _steps = [];

    [OneTimeSetUp]
    public async Task RunTourOffline()
    {
        _endpoint = await LocalOpenAIEndpoint.StartAsync();
        using var writer = new StringWriter();
        await SemanticKernelTour.RunAsync(writer, _endpoint, apiKey: null);
        _output = writer.ToString();
        _steps = _output.Split(Environment.NewLine + Environment.NewLine);
    }

    [OneTimeTearDown]
    public async Task StopEndpoint() => await _endpoint.DisposeAsync();

    [Test]
    public void First_line_says_the_tour_runs_offline_on_the_local_endpoint()
    {
        Assert.That(_output, Does.StartWith("offline: OPENAI_API_KEY is not set"));
        Assert.That(_output.Split(Environment.NewLine)[0], Does.Contain(_endpoint.BaseUri.ToString()));
    }

    [Test]
    public void Plain_prompt_completes_through_the_kernel_with_the_pipeline_trail()
    {
        var step = Step("[1]");
        Assert.That(step, Does.Contain("status: Completed"));
        Assert.That(step, Does.Contain("model.completed"));

        var request = ChatRequestsContaining("what does a shipping label show?").Single();
        Assert.That(request.GetString("safety_identifier"), Is.Not.Null.And.Not.Empty);
    }

    [Test]
    public void Plain_prompt_through_IChatCompletionService_reaches_the_model_with_the_safety_identifier()
    {
        var request = ChatRequestsContaining("what is a tracking number?").Single();
        var sent = request.GetString("safety_identifier");
        Assert.That(sent, Is.Not.Null.And.Not.Empty);
        Assert.That(Step("[1]"), Does.Contain($"IChatCompletionService safety identifier sent: {sent}"));
        Assert.That(Step("[1]"), Does.Contain("IChatCompletionService answer: [offline model]"));
    }

    [Test]
    public void Prompt_injection_is_blocked_before_the_model()
    {
        Assert.That(Step("[2]"), Does.Contain("blocked: injection.detected"));
        Assert.That(ChatRequestsContaining("Ignore all previous instructions"), Is.Empty);
        Assert.That(_endpoint.ModerationRequests.Any(r => r.Body.Contains("Ignore all previous instructions", StringComparison.Ordinal)), Is.False);
    }

    [Test]
    public void Offered_plugin_function_is_called_by_the_model_run_by_the_kernel_and_the_answer_completes()
    {
        var step = Step("[3]");
        Assert.That(step, Does.Contain("get_order_status ran 1 time(s)"));
        Assert.That(step, Does.Contain("answer: Your order A-1001 shipped"));
        Assert.That(step, Does.Contain("status: Completed"));

        var roundTrips = ChatRequestsContaining("Where is my order A-1001?").Where(r => OfferedTools(r).Any(t => t.EndsWith("get_order_status", StringComparison.Ordinal))).ToArray();
        Assert.That(roundTrips, Has.Length.EqualTo(3), "step 3 asks twice (tool call, then answer); step 4 asks once");
        Assert.That(HasToolResult(roundTrips[1], "shipped on 2026-11-20"), Is.True, "the function's result went back to the model through the pipeline");
        Assert.That(roundTrips[1].GetString("safety_identifier"), Is.EqualTo(roundTrips[0].GetString("safety_identifier")));
    }

    [Test]
    public void Call_to_a_function_that_was_not_offered_is_refused_before_the_kernel_runs_anything()
    {
        var step = Step("[4]");
        Assert.That(step, Does.Contain("blocked: tool.not_allowed (tool transfer_money;"));
        Assert.That(step, Does.Contain("functions Semantic Kernel ran: 0"));

        var requests = ChatRequestsContaining("Where is my order A-1001?");
        var last = requests[^1];
        Assert.That(OfferedTools(last), Has.None.Contains("transfer_money"));
        Assert.That(HasToolResult(last, null), Is.False, "the model was asked once; no tool result was sent back after the refused call");
        Assert.That(_endpoint.Chat.Pending, Is.Zero);
    }

    private string Step(string marker) =>
        _steps.SingleOrDefault(s => s.StartsWith(marker, StringComparison.Ordinal))
        ?? throw new AssertionException($"The tour printed no step {marker}:{Environment.NewLine}{_output}");

    private RecordedRequest[] ChatRequestsContaining(string text) =>
        _endpoint.ChatRequests.Where(r => r.Body.Contains(JsonEncodedText.Encode(text).ToString(), StringComparison.Ordinal)).ToArray();

    private static string[] OfferedTools(RecordedRequest request) =>
        request.Json is { } json && json.TryGetProperty("tools", out var tools)
            ? tools.EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString() ?? string.Empty).ToArray()
            : [];

    private static bool HasToolResult(RecordedRequest request, string? containing) =>
        request.Json is { } json && json.TryGetProperty("messages", out var messages)
        && messages.EnumerateArray().Any(m =>
            m.GetProperty("role").GetString() == "tool"
            && (containing is null || m.GetProperty("content").ToString().Contains(containing, StringComparison.Ordinal)));
}
