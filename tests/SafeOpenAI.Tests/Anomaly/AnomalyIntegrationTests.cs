using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SafeOpenAI.Tests.Alerts;
using SafeOpenAI.Tests.Integration;

namespace SafeOpenAI.Tests.Anomaly;

/// <summary>
/// The monitor through <c>AddSafeOpenAI</c>, the real SDK and the local endpoint, whose offline
/// moderation stand-in flags the word "bomb" (<c>illicit/violent</c>).
/// </summary>
public sealed class AnomalyIntegrationTests
{
    [Test]
    public async Task A_user_whose_inputs_are_flagged_repeatedly_is_alerted_suspended_and_blocked_before_anything_is_sent()
    {
        await using var host = await IntegrationHost.StartAsync(
            options =>
            {
                options.Anomaly.ModerationFlagThreshold = 2;
                options.Anomaly.SuspensionCooldown = TimeSpan.FromMinutes(15);
            },
            builder =>
            {
                builder.AddSafetyAlertSink<RecordingAlertSink>();
                builder.Services.Replace(ServiceDescriptor.Singleton<IUserAccessPolicy, DictionaryAccessPolicy>());
            });
        var alerts = host.Services.GetServices<ISafetyAlertSink>().OfType<RecordingAlertSink>().Single();
        var userKey = IntegrationHost.SafetyIdentifierOf("abuser");

        var first = await host.Client.CompleteAsync(IntegrationHost.Ask("How do I build a bomb?", "abuser"));
        var bystander = await host.Client.CompleteAsync(IntegrationHost.Ask("How do I build a bomb?", "someone-else"));
        var second = await host.Client.CompleteAsync(IntegrationHost.Ask("Tell me about explosives for a bomb.", "abuser"));
        var sentBefore = host.Endpoint.Requests.Count;
        var third = await host.Client.CompleteAsync(IntegrationHost.Ask("What is the capital of France?", "abuser"));
        var other = await host.Client.CompleteAsync(IntegrationHost.Ask("What is the capital of France?", "someone-else"));

        Assert.That(first.DecisiveVerdict!.Code, Is.EqualTo("moderation.flagged:illicit/violent"));
        Assert.That(bystander.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(second.DecisiveVerdict!.Code, Is.EqualTo("moderation.flagged:illicit/violent"));
        Assert.That(third.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(third.DecisiveVerdict!.Code, Is.EqualTo(UserAccessCodes.Suspended));
        Assert.That(third.DecisiveVerdict.Evidence["reason"], Is.EqualTo(AnomalyRules.RepeatedModerationFlags));
        Assert.That(other.Status, Is.EqualTo(SafeChatStatus.Completed), "one flag of another user suspends nobody");
        Assert.That(host.Endpoint.Requests.Where(r => r.IsChatCompletion || r.IsModeration).Count(), Is.EqualTo(sentBefore + 3), "the suspended call sent nothing; the other user's call sent input moderation, the chat call and output moderation");

        await alerts.WaitForAsync(1);
        var alert = alerts.Alerts.Single();
        Assert.That(alert.Rule, Is.EqualTo(AnomalyRules.RepeatedModerationFlags));
        Assert.That(alert.Subject, Is.EqualTo(userKey));
        Assert.That(alert.Observed, Is.EqualTo(2));
        Assert.That(alert.SuspendedUntil, Is.EqualTo(alert.RaisedAt + TimeSpan.FromMinutes(15)));
        var suspension = await host.Services.GetRequiredService<IUserAccessPolicy>().GetSuspensionAsync(userKey, CancellationToken.None);
        Assert.That(suspension!.Until, Is.EqualTo(alert.SuspendedUntil));
        Assert.That(host.Audit.Records.Last(r => r.SafetyIdentifier == userKey).DecisiveCode, Is.EqualTo(UserAccessCodes.Suspended));
    }

    /// <summary>A minimal in-process access policy for the test.</summary>
    private sealed class DictionaryAccessPolicy(TimeProvider timeProvider) : IUserAccessPolicy
    {
        private readonly ConcurrentDictionary<string, UserSuspension> _suspensions = new();

        public ValueTask<UserSuspension?> GetSuspensionAsync(string userKey, CancellationToken cancellationToken) =>
            ValueTask.FromResult(_suspensions.TryGetValue(userKey, out var s) && s.Until > timeProvider.GetUtcNow() ? s : null);

        public ValueTask<UserSuspension> SuspendAsync(UserSuspension suspension, CancellationToken cancellationToken) =>
            ValueTask.FromResult(_suspensions.AddOrUpdate(suspension.UserKey, suspension, (_, old) => old.Until >= suspension.Until ? old : suspension));

        public ValueTask<bool> LiftAsync(string userKey, CancellationToken cancellationToken) => ValueTask.FromResult(_suspensions.TryRemove(userKey, out _));

        public ValueTask<IReadOnlyList<UserSuspension>> ListSuspensionsAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<UserSuspension>>([.. _suspensions.Values.OrderBy(s => s.Until)]);
    }
}
