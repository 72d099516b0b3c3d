using System.Text.Json;
using SafeOpenAI.Tests.Integration;

namespace SafeOpenAI.Tests.Pii;

/// <summary>PII and secrets through the real OpenAI SDK and the local endpoint.</summary>
public class PiiEndToEndTests
{
    [Test]
    public async Task The_model_receives_redacted_text_and_the_caller_gets_the_values_back()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddSecretsGuard().AddPiiRedaction());

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Email jane.doe@example.com, call +44 20 7946 0958, key sk-proj-abcdefghijklmnopqrstuvwxyz012345"));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        var sent = host.Endpoint.ChatRequests[0].Body;
        Assert.That(sent, Does.Not.Contain("jane.doe@example.com").And.Not.Contain("7946").And.Not.Contain("sk-proj-"));
        Assert.That(sent, Does.Contain("<EMAIL_ADDRESS_1>").And.Contain("<PHONE_NUMBER_1>").And.Contain("<SECRET_1>"));
        foreach (var moderation in host.Endpoint.ModerationRequests)
        {
            Assert.That(moderation.Body, Does.Not.Contain("jane.doe@example.com"), "redaction happens before moderation");
        }

        var answer = result.Completion!.Content[0].Text;
        Assert.That(answer, Does.Contain("jane.doe@example.com").And.Contain("+44 20 7946 0958"), "the offline model echoes the placeholders, which are restored");
        Assert.That(answer, Does.Not.Contain("sk-proj-"), "secrets are never restored");
        Assert.That(result.Verdicts.Select(v => v.Code), Is.SupersetOf(new[] { "pii.redacted", "secret.redacted", "pii.restored" }));
        var audit = JsonSerializer.Serialize(host.Audit.Records);
        Assert.That(audit, Does.Not.Contain("jane.doe@example.com").And.Not.Contain("sk-proj-"));
    }

    [Test]
    public async Task A_blocked_entity_never_reaches_the_model()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddPiiRedaction(o => o.Operators[PiiEntityTypes.UsSsn] = PiiOperator.Block));

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("my SSN is 460-89-9847"));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo("pii.blocked:US_SSN"));
        Assert.That(host.Endpoint.ChatRequests, Is.Empty);
    }

    [Test]
    public async Task A_streamed_answer_reaches_the_caller_with_the_placeholders_restored()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddPiiRedaction());
        using var identity = AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("streaming-user"));

        var text = new System.Text.StringBuilder();
        await foreach (var update in host.Client.CompleteChatStreamingAsync(global::OpenAI.Chat.ChatMessage.CreateUserMessage("Email bob.smith@example.org about the launch.")))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        Assert.That(host.Endpoint.ChatRequests.Single().Body, Does.Not.Contain("bob.smith@example.org").And.Contain("<EMAIL_ADDRESS_1>"));
        Assert.That(text.ToString(), Does.Contain("bob.smith@example.org").And.Not.Contain("<EMAIL_ADDRESS_1>"), "the offline model echoes the placeholder; the caller sees the value");
    }
}
