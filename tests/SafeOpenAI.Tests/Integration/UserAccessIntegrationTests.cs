using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenAI.Chat;

namespace SafeOpenAI.Tests.Integration;

/// <summary>User suspensions through the real SDK: SafeChatClient → local OpenAI-compatible endpoint, with the default in-memory policy.</summary>
public class UserAccessIntegrationTests
{
    [Test]
    public async Task A_suspended_user_is_blocked_before_the_model_and_a_lift_allows_again()
    {
        await using var host = await IntegrationHost.StartAsync(NoOtherChecks);
        var policy = host.Services.GetRequiredService<IUserAccessPolicy>();
        var now = DateTimeOffset.UtcNow;
        var until = now.AddHours(1);
        await policy.SuspendAsync(new UserSuspension(IntegrationHost.SafetyIdentifierOf("mallory"), "anomaly.repeated_moderation_flags", now, until), CancellationToken.None);

        SafetyViolationException? thrown;
        using (AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("mallory")))
        {
            thrown = Assert.ThrowsAsync<SafetyViolationException>(() => host.Client.CompleteChatAsync([ChatMessage.CreateUserMessage("hello")]));
        }

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("hello", "mallory"));
        var bystander = await host.Client.CompleteAsync(IntegrationHost.Ask("hello", "alice"));
        var modelCallsWhileSuspended = host.Endpoint.ChatRequests.Count;
        var lifted = await policy.LiftAsync(IntegrationHost.SafetyIdentifierOf("mallory"), CancellationToken.None);
        var afterLift = await host.Client.CompleteAsync(IntegrationHost.Ask("hello again", "mallory"));

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.Verdict.Code, Is.EqualTo(UserAccessCodes.Suspended));
            Assert.That(thrown.Verdict.Stage, Is.EqualTo(UserAccessCodes.StageName));
            Assert.That(thrown.Verdict.Evidence["reason"], Is.EqualTo("anomaly.repeated_moderation_flags"));
            Assert.That(DateTimeOffset.Parse(thrown.Verdict.Evidence["until"], CultureInfo.InvariantCulture), Is.EqualTo(until));
            Assert.That(thrown.Verdict.UserMessage, Does.Contain(until.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)));
            Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
            Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo(UserAccessCodes.Suspended));
            Assert.That(bystander.Status, Is.EqualTo(SafeChatStatus.Completed), "other users are not affected");
            Assert.That(modelCallsWhileSuspended, Is.EqualTo(1), "the suspended user's calls never reached the model");
            Assert.That(lifted, Is.True);
            Assert.That(afterLift.Status, Is.EqualTo(SafeChatStatus.Completed));
            Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task A_suspension_ends_on_the_registered_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var host = await IntegrationHost.StartAsync(NoOtherChecks, b => b.Services.AddSingleton<TimeProvider>(time));
        var policy = host.Services.GetRequiredService<IUserAccessPolicy>();
        var now = time.GetUtcNow();
        await policy.SuspendAsync(new UserSuspension(IntegrationHost.SafetyIdentifierOf("mallory"), "anomaly.token_spike", now, now.AddMinutes(15)), CancellationToken.None);

        var during = await host.Client.CompleteAsync(IntegrationHost.Ask("hello", "mallory"));
        time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        var justBefore = await host.Client.CompleteAsync(IntegrationHost.Ask("hello", "mallory"));
        time.Advance(TimeSpan.FromSeconds(1));
        var after = await host.Client.CompleteAsync(IntegrationHost.Ask("hello", "mallory"));

        Assert.That(during.DecisiveVerdict!.Code, Is.EqualTo(UserAccessCodes.Suspended));
        Assert.That(justBefore.DecisiveVerdict!.Code, Is.EqualTo(UserAccessCodes.Suspended));
        Assert.That(after.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(1));
        Assert.That(await policy.ListSuspensionsAsync(CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task The_audit_record_of_a_blocked_call_names_the_code_and_no_raw_user_id()
    {
        await using var host = await IntegrationHost.StartAsync(NoOtherChecks);
        var now = DateTimeOffset.UtcNow;
        await host.Services.GetRequiredService<IUserAccessPolicy>().SuspendAsync(
            new UserSuspension(IntegrationHost.SafetyIdentifierOf("mallory@example.com"), "operator.manual", now, now.AddMinutes(5)), CancellationToken.None);

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("hello", "mallory@example.com"));

        var record = host.Audit.Records.Single();
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo(UserAccessCodes.Suspended));
        Assert.That(record.VerdictCodes, Is.EqualTo(new[] { UserAccessCodes.StageName + ":" + UserAccessCodes.Suspended }), "one verdict: nothing else ran");
        Assert.That(System.Text.Json.JsonSerializer.Serialize(record), Does.Not.Contain("mallory"));
        Assert.That(result.DecisiveVerdict.Evidence.Values, Has.None.Contain("mallory"));
    }

    private static void NoOtherChecks(SafeOpenAIOptions options)
    {
        options.Moderation.Enabled = false;
        options.Anomaly.Enabled = false;
        options.Budget.RequestsPerMinute = null;
    }
}
