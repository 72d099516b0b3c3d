using System.Text.Json;
using SafeOpenAI.Testing;

namespace SafeOpenAI.Tests.Integration;

/// <summary>PII leak checks on the answer through the real OpenAI SDK and the local endpoint.</summary>
public class PiiLeakIntegrationTests
{
    private const string LeakedEmail = "mary.major@contoso.com";

    [Test]
    public async Task New_personal_data_in_the_answer_is_redacted()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddPiiLeakCheck());
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text($"Your case is with {LeakedEmail}, card 4111 1111 1111 1111 on file."));

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Who handles my case?"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
            Assert.That(result.Completion!.Content[0].Text, Is.EqualTo("Your case is with <EMAIL_ADDRESS_REDACTED>, card <CREDIT_CARD_REDACTED> on file."));
            var verdict = result.Verdicts.Single(v => v.Code == "pii.leak_redacted");
            Assert.That(verdict.Evidence["EMAIL_ADDRESS"], Is.EqualTo("1"));
            Assert.That(verdict.Evidence["CREDIT_CARD"], Is.EqualTo("1"));
            Assert.That(JsonSerializer.Serialize(host.Audit.Records), Does.Not.Contain("mary.major").And.Not.Contain("4111"));
        });
    }

    [Test]
    public async Task New_personal_data_blocks_the_answer_under_the_block_policy()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddPiiLeakCheck(o => o.Policy = PiiLeakPolicy.Block));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text($"Your case is with {LeakedEmail}."));

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Who handles my case?"));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo("pii.leaked"));
        Assert.That(result.DecisiveVerdict.Phase, Is.EqualTo(SafetyPhase.Output));
        Assert.That(result.Completion, Is.Null);
        Assert.That(result.Usage!.TotalTokens, Is.GreaterThan(0), "the model was billed");
    }

    [Test]
    public async Task A_block_throws_through_the_drop_in_method()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddPiiLeakCheck(o => o.Policy = PiiLeakPolicy.Block));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text($"Your case is with {LeakedEmail}."));

        var exception = Assert.ThrowsAsync<SafetyViolationException>(() => host.Client.CompleteChatAsync([global::OpenAI.Chat.ChatMessage.CreateUserMessage("Who handles my case?")]));

        Assert.That(exception!.Verdict.Code, Is.EqualTo("pii.leaked"));
        Assert.That(exception.Message, Does.Not.Contain("mary.major"));
    }

    [Test]
    public async Task A_value_the_user_supplied_is_allowed_back()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddPiiLeakCheck(o => o.Policy = PiiLeakPolicy.Block));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("We will reply to jane.doe@example.com within a day."));

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Please reply to jane.doe@example.com"));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(result.Completion!.Content[0].Text, Does.Contain("jane.doe@example.com"));
    }

    [Test]
    public async Task Restored_values_are_allowed_and_new_ones_redacted_when_the_check_follows_restoration()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddPiiRedaction().AddPiiLeakCheck());

        // The model answers with the placeholder it received and a value of its own.
        host.Endpoint.Chat.Handler = received =>
            ScriptedChatResponse.Text(received.Body.Contains("<EMAIL_ADDRESS_1>", StringComparison.Ordinal)
                ? $"Noted <EMAIL_ADDRESS_1>; your agent is {LeakedEmail}."
                : "The placeholder did not arrive.");

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("My address is jane.doe@example.com"));

        Assert.Multiple(() =>
        {
            Assert.That(host.Endpoint.ChatRequests.Single().Body, Does.Not.Contain("jane.doe@example.com"));
            Assert.That(result.Completion!.Content[0].Text, Is.EqualTo("Noted jane.doe@example.com; your agent is <EMAIL_ADDRESS_REDACTED>."));
            var codes = result.Verdicts.Select(v => v.Code).ToList();
            Assert.That(codes.IndexOf("pii.restored"), Is.LessThan(codes.IndexOf("pii.leak_redacted")), "restoration runs first");
        });
    }
}
