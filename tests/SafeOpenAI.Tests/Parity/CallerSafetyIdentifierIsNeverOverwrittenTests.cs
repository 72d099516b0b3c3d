using System.Text.Json;
using OpenAI.Chat;
using SafeOpenAI.Tests.Integration;

namespace SafeOpenAI.Tests.Parity;

/// <summary>
/// The caller's <c>safety_identifier</c> reaches OpenAI unchanged, even when SafeOpenAI could
/// compute its own from the ambient user; SafeOpenAI's keyed hash is sent only when the caller set
/// none. OpenAI Guardrails replaces the caller's value with its own.
/// </summary>
public class CallerSafetyIdentifierIsNeverOverwrittenTests
{
    [Test]
    public async Task A_caller_set_safety_identifier_reaches_the_endpoint_unchanged()
    {
        await using var host = await IntegrationHost.StartAsync();
        using var identity = AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("ambient-user"));

        await host.Client.CompleteChatAsync([ChatMessage.CreateUserMessage("What is a haiku?")], new ChatCompletionOptions { SafetyIdentifier = "caller-chosen-id" });

        Assert.Multiple(() =>
        {
            Assert.That(SentSafetyIdentifier(host), Is.EqualTo("caller-chosen-id"));
            Assert.That(host.Audit.Records.Single().VerdictCodes, Does.Contain("SafetyIdentifier:identity.caller_supplied"));
        });
    }

    [Test]
    public async Task A_caller_set_safety_identifier_is_kept_on_a_streamed_call()
    {
        await using var host = await IntegrationHost.StartAsync();
        using var identity = AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("ambient-user"));

        await foreach (var _ in host.Client.CompleteChatStreamingAsync([ChatMessage.CreateUserMessage("What is a haiku?")], new ChatCompletionOptions { SafetyIdentifier = "caller-chosen-id" }))
        {
        }

        Assert.That(SentSafetyIdentifier(host), Is.EqualTo("caller-chosen-id"));
    }

    [Test]
    public async Task SafeOpenAIs_keyed_identifier_is_sent_when_the_caller_set_none()
    {
        await using var host = await IntegrationHost.StartAsync();
        using var identity = AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("ambient-user"));

        await host.Client.CompleteChatAsync([ChatMessage.CreateUserMessage("What is a haiku?")], new ChatCompletionOptions());

        Assert.That(SentSafetyIdentifier(host), Is.EqualTo(IntegrationHost.SafetyIdentifierOf("ambient-user")).And.Not.EqualTo("ambient-user"));
    }

    private static string? SentSafetyIdentifier(IntegrationHost host)
    {
        using var sent = JsonDocument.Parse(host.Endpoint.ChatRequests.Single().Body);
        return sent.RootElement.GetProperty("safety_identifier").GetString();
    }
}
