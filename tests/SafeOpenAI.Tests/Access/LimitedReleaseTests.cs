using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenAI.Chat;
using SafeOpenAI.Testing;
using SafeOpenAI.Tests.Integration;
using SafeOpenAI.Tests.Pipeline;

namespace SafeOpenAI.Tests.Access;

/// <summary>The limited-release gate (<c>SafeOpenAI:Access:LimitedRelease</c>), end to end and through its bucket.</summary>
public class LimitedReleaseTests
{
    private const string Gate = "SafeOpenAI:Access:LimitedRelease:";

    private static Dictionary<string, string?> GateSettings(params (string Key, string? Value)[] more) =>
        ConfiguredHost.Settings([(Gate + "Enabled", "true"), .. more.Select(m => (Gate + m.Key, m.Value))]);

    private static LimitedReleaseGate GateOf(double percentage, string hashKey = IntegrationHost.HashKey, bool admitAnonymous = false, params string[] allowed)
    {
        var options = new LimitedReleaseOptions { Enabled = true, Percentage = percentage, AdmitAnonymous = admitAnonymous };
        foreach (var user in allowed)
        {
            options.AllowedUsers.Add(user);
        }

        return new LimitedReleaseGate(options, new SafetyHasher(new SafetyIdentifierOptions { HashKey = hashKey }));
    }

    private static IEnumerable<string> Users(int count) => Enumerable.Range(0, count).Select(i => "user-" + i.ToString(CultureInfo.InvariantCulture));

    [Test]
    public async Task An_allow_listed_user_reaches_the_model_and_others_are_refused_before_any_reservation_or_request()
    {
        var budget = new FakeBudgetTracker();
        await using var host = await ConfiguredHost.StartAsync(
            GateSettings(("AllowedUsers:0", "alice"), ("AllowedUsers:1", "bob")),
            b => b.UseBudgetTracker(_ => budget));

        var admitted = await host.Client.CompleteAsync(IntegrationHost.Ask("Hello", user: "alice"));
        var sentAfterAdmitted = host.Endpoint.TotalRequests;
        var reservedAfterAdmitted = budget.ReserveCount;
        var refused = await host.Client.CompleteAsync(IntegrationHost.Ask("Hello", user: "Alice"));

        Assert.Multiple(() =>
        {
            Assert.That(admitted.Status, Is.EqualTo(SafeChatStatus.Completed));
            Assert.That(reservedAfterAdmitted, Is.EqualTo(1));
            Assert.That(refused.Status, Is.EqualTo(SafeChatStatus.Blocked), "user ids are compared ordinally");
            Assert.That(refused.DecisiveVerdict!.Code, Is.EqualTo(UserAccessCodes.NotAdmitted));
            Assert.That(refused.DecisiveVerdict.Phase, Is.EqualTo(SafetyPhase.Access));
            Assert.That(refused.DecisiveVerdict.Evidence["reason"], Is.EqualTo("not_in_release"));
            Assert.That(host.Endpoint.TotalRequests, Is.EqualTo(sentAfterAdmitted), "nothing was sent for the refused call, not even moderation");
            Assert.That(budget.ReserveCount, Is.EqualTo(1), "no budget was reserved for the refused call");
            Assert.That(budget.Outstanding, Is.Empty);
            Assert.That(host.Audit.Records.Select(r => r.DecisiveCode), Is.EqualTo(new[] { null, UserAccessCodes.NotAdmitted }));
            Assert.That(host.Pipeline.Stages[0], Is.EqualTo(new SafetyStageDescriptor(SafetyPhase.Access, "LimitedRelease", typeof(LimitedReleaseGate))));
        });
    }

    [Test]
    public async Task The_drop_in_methods_throw_a_safety_violation_for_a_user_not_admitted()
    {
        await using var host = await ConfiguredHost.StartAsync(GateSettings(("AllowedUsers:0", "alice")));

        using (AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("mallory")))
        {
            var thrown = Assert.ThrowsAsync<SafetyViolationException>(() => host.Client.CompleteChatAsync([ChatMessage.CreateUserMessage("Hello")]));
            var thrownSync = Assert.Throws<SafetyViolationException>(() => host.Client.CompleteChat([ChatMessage.CreateUserMessage("Hello")]));
            var thrownStreaming = Assert.ThrowsAsync<SafetyViolationException>(async () =>
            {
                await foreach (var update in host.Client.CompleteChatStreamingAsync([ChatMessage.CreateUserMessage("Hello")]))
                {
                    Assert.Fail("no update is streamed to a user not admitted");
                }
            });

            Assert.That(thrown!.Verdict.Code, Is.EqualTo(UserAccessCodes.NotAdmitted));
            Assert.That(thrownSync!.Verdict.Code, Is.EqualTo(UserAccessCodes.NotAdmitted));
            Assert.That(thrownStreaming!.Verdict.Code, Is.EqualTo(UserAccessCodes.NotAdmitted));
        }

        using (AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("alice")))
        {
            var answer = await host.Client.CompleteChatAsync([ChatMessage.CreateUserMessage("Hello")]);
            Assert.That(answer.Value.Content, Is.Not.Empty);
        }

        Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Anonymous_calls_are_refused_unless_admitted_explicitly()
    {
        await using var closed = await ConfiguredHost.StartAsync(GateSettings(("Percentage", "100")));
        await using var open = await ConfiguredHost.StartAsync(GateSettings(("Percentage", "100"), ("AdmitAnonymous", "true")));
        var anonymous = new SafeChatRequest([ChatMessage.CreateUserMessage("Hello")]) { Identity = new SafetyIdentity(null, "session-1") };

        var refused = await closed.Client.CompleteAsync(anonymous);
        var admitted = await open.Client.CompleteAsync(anonymous);

        Assert.That(refused.DecisiveVerdict!.Code, Is.EqualTo(UserAccessCodes.NotAdmitted));
        Assert.That(refused.DecisiveVerdict.Evidence["reason"], Is.EqualTo("anonymous"));
        Assert.That(admitted.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(GateOf(0, admitAnonymous: true).Refuse(new SafetyIdentity("someone")), Is.EqualTo("not_in_release"), "admitting anonymous calls admits no named user");
    }

    [Test]
    public void Percentage_0_admits_only_listed_users_and_100_admits_everyone()
    {
        var none = GateOf(0, allowed: "vip");
        var all = GateOf(100);

        Assert.That(Users(2_000).Count(u => none.Refuse(new SafetyIdentity(u)) is null), Is.Zero);
        Assert.That(none.Refuse(new SafetyIdentity("vip")), Is.Null);
        Assert.That(Users(2_000).Count(u => all.Refuse(new SafetyIdentity(u)) is null), Is.EqualTo(2_000));
    }

    [TestCase(1)]
    [TestCase(10)]
    [TestCase(37.5)]
    [TestCase(90)]
    public void A_percentage_admits_that_share_of_10000_users_within_five_standard_deviations(double percentage)
    {
        const int Count = 10_000;
        var gate = GateOf(percentage);
        var p = percentage / 100;

        var admitted = Users(Count).Count(u => gate.Refuse(new SafetyIdentity(u)) is null);

        var sigma = Math.Sqrt(Count * p * (1 - p));
        Assert.That(admitted, Is.InRange(Count * p - 5 * sigma, Count * p + 5 * sigma));
    }

    [Test]
    public void Raising_the_percentage_only_adds_users()
    {
        var ten = GateOf(10);
        var twenty = GateOf(20);

        var admittedAtTen = Users(5_000).Where(u => ten.Refuse(new SafetyIdentity(u)) is null).ToArray();

        Assert.That(admittedAtTen, Is.Not.Empty);
        Assert.That(admittedAtTen.All(u => twenty.Refuse(new SafetyIdentity(u)) is null), Is.True);
    }

    [Test]
    public void The_bucket_is_the_first_eight_bytes_of_the_safety_identifier_modulo_10000()
    {
        var identifier = new SafetyHasher(new SafetyIdentifierOptions { HashKey = IntegrationHost.HashKey }).ComputeSafetyIdentifier("user-1");
        var expected = (int)(ulong.Parse(identifier[..16], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture) % 10_000);

        Assert.That(LimitedReleaseGate.BucketOf(identifier), Is.EqualTo(expected));
        Assert.That(LimitedReleaseGate.BucketOf("0000000000002711" + new string('f', 48)), Is.EqualTo(1), "0x2711 = 10,001");
    }

    [Test]
    public async Task The_same_user_gets_the_same_answer_from_two_instances_with_the_same_hash_key_and_not_under_another_key()
    {
        static async Task<HashSet<string>> AdmittedAsync(string hashKey)
        {
            var settings = GateSettings(("Percentage", "50"));
            settings["SafeOpenAI:Identity:HashKey"] = hashKey;
            settings["SafeOpenAI:Moderation:Enabled"] = "false";
            settings["SafeOpenAI:ApiKey"] = "unused";
            await using var provider = ConfiguredHost.Register(settings).BuildServiceProvider();
            var pipeline = provider.GetRequiredService<SafetyPipeline>();
            var admitted = new HashSet<string>(StringComparer.Ordinal);
            foreach (var user in Users(200))
            {
                var result = await pipeline.RunAsync(
                    PipelineFactory.Request(identity: new SafetyIdentity(user)),
                    (_, _) => Task.FromResult(PipelineFactory.Answer()),
                    CancellationToken.None);
                if (result.Status == SafeChatStatus.Completed)
                {
                    admitted.Add(user);
                }
            }

            return admitted;
        }

        var first = await AdmittedAsync(IntegrationHost.HashKey);
        var second = await AdmittedAsync(IntegrationHost.HashKey);
        var otherKey = await AdmittedAsync("another-deployment-hash-key-0123456789");

        Assert.That(first, Has.Count.InRange(60, 140));
        Assert.That(second, Is.EquivalentTo(first));
        Assert.That(otherKey, Is.Not.EquivalentTo(first), "the bucket is keyed: another key admits other users");
    }

    [Test]
    public void Bad_gate_settings_fail_at_start_naming_their_keys()
    {
        static IEnumerable<string> Failures(params (string, string?)[] settings)
        {
            var all = GateSettings(settings);
            all["SafeOpenAI:ApiKey"] = "k";
            using var provider = ConfiguredHost.Register(all).BuildServiceProvider();
            return Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<SafeOpenAIOptions>>().Value)!.Failures;
        }

        Assert.That(Failures(), Has.One.StartsWith("SafeOpenAI:Access:LimitedRelease:Enabled is true but the gate admits nobody"));
        Assert.That(Failures(("Percentage", "150")), Has.One.StartsWith("SafeOpenAI:Access:LimitedRelease:Percentage must be a share in percent from 0 to 100 (was 150)"));
        Assert.That(Failures(("Percentage", "-1"), ("AllowedUsers:0", "a")), Has.One.StartsWith("SafeOpenAI:Access:LimitedRelease:Percentage"));
        Assert.That(Failures(("AllowedUsers:0", "alice"), ("AllowedUsers:1", " ")), Has.One.StartsWith("SafeOpenAI:Access:LimitedRelease:AllowedUsers:1 is blank"));
    }

    [Test]
    public async Task With_the_gate_off_everyone_is_admitted_and_no_gate_stage_is_described()
    {
        await using var host = await ConfiguredHost.StartAsync(ConfiguredHost.Settings((Gate + "Percentage", "0")));

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Hello", user: "anyone"));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(host.Pipeline.Stages.Select(s => s.Name), Does.Not.Contain("LimitedRelease"));
    }
}
