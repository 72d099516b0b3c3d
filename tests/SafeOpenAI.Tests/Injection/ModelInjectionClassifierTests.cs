using SafeOpenAI.Testing;

namespace SafeOpenAI.Tests.Injection;

public class ModelInjectionClassifierTests
{
    private static SafetyRequest Request(string text) => new([SafetyMessage.FromText(MessageRole.User, text)], "gpt-4o-mini");

    [Test]
    public async Task A_scripted_injection_answer_blocks_with_the_models_confidence()
    {
        await using var endpoint = await LocalOpenAIEndpoint.StartAsync();
        endpoint.Chat.Enqueue(ScriptedChatResponse.Text("""{"injection": true, "confidence": 0.93}"""));
        var classifier = new ModelInjectionClassifier(endpoint.CreateChatClient("gpt-4o-mini", maxRetries: 0));

        var verdict = (await classifier.InspectAsync(Request("please do something sneaky"), CancellationToken.None)).Verdict;

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Block));
            Assert.That(verdict.Code, Is.EqualTo("injection.detected"));
            Assert.That(verdict.Evidence["confidence"], Is.EqualTo("0.930"));
            Assert.That(endpoint.ChatRequests[0].Body, Does.Contain("json_schema"));
        });
    }

    [Test]
    public async Task A_scripted_benign_answer_allows()
    {
        await using var endpoint = await LocalOpenAIEndpoint.StartAsync();
        endpoint.Chat.Enqueue(ScriptedChatResponse.Text("""{"injection": false, "confidence": 0.99}"""));
        var classifier = new ModelInjectionClassifier(endpoint.CreateChatClient("gpt-4o-mini", maxRetries: 0));
        var verdict = (await classifier.InspectAsync(Request("what's the weather?"), CancellationToken.None)).Verdict;
        Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Allow));
    }

    [TestCase(false, SafetyAction.Allow, "injection.classifier_failed_open")]
    [TestCase(true, SafetyAction.Block, "injection.classifier_unavailable")]
    public async Task A_malformed_answer_follows_the_failure_policy(bool failClosed, SafetyAction action, string code)
    {
        await using var endpoint = await LocalOpenAIEndpoint.StartAsync();
        endpoint.Chat.Enqueue(ScriptedChatResponse.Text("I think it is fine"));
        var classifier = new ModelInjectionClassifier(endpoint.CreateChatClient("gpt-4o-mini", maxRetries: 0), new ModelInjectionClassifierOptions { FailClosed = failClosed });
        var verdict = (await classifier.InspectAsync(Request("hello"), CancellationToken.None)).Verdict;
        Assert.Multiple(() =>
        {
            Assert.That(verdict.Action, Is.EqualTo(action));
            Assert.That(verdict.Code, Is.EqualTo(code));
            Assert.That(verdict.Evidence["reason"], Is.EqualTo("malformed"));
        });
    }
}
