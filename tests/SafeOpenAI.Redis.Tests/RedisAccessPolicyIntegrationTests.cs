using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenAI.Chat;
using SafeOpenAI.Testing;
using StackExchange.Redis;

namespace SafeOpenAI.Redis.Tests;

/// <summary>SafeChatClient registered with AddSafeOpenAI(...).UseRedisAccessPolicy(...), over the real OpenAI SDK and a real redis-server.</summary>
public class RedisAccessPolicyIntegrationTests
{
    private const string HashKey = "integration-test-hash-key-0123456789";

    [Test]
    public async Task An_operator_suspends_on_one_instance_the_other_blocks_and_a_lift_on_it_allows_again()
    {
        await using var endpoint = await LocalOpenAIEndpoint.StartAsync();
        var time = new FakeTimeProvider(WholeMilliseconds(DateTimeOffset.UtcNow));
        var prefix = RedisTest.AccessOptions().KeyPrefix;
        await using var first = BuildApp(endpoint, prefix, time);
        await using var second = BuildApp(endpoint, prefix, time);
        var user = UserKey("user-1");
        var until = time.GetUtcNow().AddMinutes(30);

        await first.GetRequiredService<IUserAccessPolicy>().SuspendAsync(new UserSuspension(user, "operator.manual", time.GetUtcNow(), until), CancellationToken.None);
        var blocked = await second.GetRequiredService<SafeChatClient>().CompleteAsync(Ask("hello"));
        SafetyViolationException? thrown;
        using (AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("user-1")))
        {
            thrown = Assert.ThrowsAsync<SafetyViolationException>(() => first.GetRequiredService<SafeChatClient>().CompleteChatAsync([ChatMessage.CreateUserMessage("hello")]));
        }

        var other = await first.GetRequiredService<SafeChatClient>().CompleteAsync(Ask("hello", "user-2"));
        var requestsWhileSuspended = endpoint.ChatRequests.Count;
        var lifted = await second.GetRequiredService<IUserAccessPolicy>().LiftAsync(user, CancellationToken.None);
        var allowed = await first.GetRequiredService<SafeChatClient>().CompleteAsync(Ask("hello again"));

        Assert.Multiple(() =>
        {
            Assert.That(blocked.Status, Is.EqualTo(SafeChatStatus.Blocked));
            Assert.That(blocked.DecisiveVerdict!.Code, Is.EqualTo(UserAccessCodes.Suspended));
            Assert.That(blocked.DecisiveVerdict.Stage, Is.EqualTo(UserAccessCodes.StageName));
            Assert.That(blocked.DecisiveVerdict.Evidence["reason"], Is.EqualTo("operator.manual"));
            Assert.That(DateTimeOffset.Parse(blocked.DecisiveVerdict.Evidence["until"], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(until).Within(TimeSpan.FromMilliseconds(1)));
            Assert.That(thrown!.Verdict.Code, Is.EqualTo(UserAccessCodes.Suspended));
            Assert.That(other.Status, Is.EqualTo(SafeChatStatus.Completed), "another user is not affected");
            Assert.That(requestsWhileSuspended, Is.EqualTo(1), "the suspended user's calls never reached the model");
            Assert.That(lifted, Is.True);
            Assert.That(allowed.Status, Is.EqualTo(SafeChatStatus.Completed));
            Assert.That(endpoint.ChatRequests, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task A_suspension_ends_on_the_application_clock_for_every_instance()
    {
        await using var endpoint = await LocalOpenAIEndpoint.StartAsync();
        var time = new FakeTimeProvider(WholeMilliseconds(DateTimeOffset.UtcNow));
        var prefix = RedisTest.AccessOptions().KeyPrefix;
        await using var first = BuildApp(endpoint, prefix, time);
        await using var second = BuildApp(endpoint, prefix, time);
        var now = time.GetUtcNow();
        await first.GetRequiredService<IUserAccessPolicy>().SuspendAsync(new UserSuspension(UserKey("user-1"), "anomaly.token_spike", now, now.AddMinutes(10)), CancellationToken.None);

        var during = await second.GetRequiredService<SafeChatClient>().CompleteAsync(Ask("hello"));
        time.Advance(TimeSpan.FromMinutes(10));
        var after = await second.GetRequiredService<SafeChatClient>().CompleteAsync(Ask("hello"));

        Assert.That(during.DecisiveVerdict!.Code, Is.EqualTo(UserAccessCodes.Suspended));
        Assert.That(after.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(endpoint.ChatRequests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Budgets_and_access_policy_share_one_connection_and_the_policy_replaces_the_in_memory_one()
    {
        var prefix = RedisTest.AccessOptions().KeyPrefix;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSafeOpenAI(o =>
        {
            o.Identity.HashKey = HashKey;
            o.ApiKey = "not-used";
        })
            .UseRedisBudgets(o =>
            {
                o.Configuration = RedisServerFixture.Server.Configuration;
                o.KeyPrefix = prefix;
            })
            .UseRedisAccessPolicy(o => o.KeyPrefix = prefix);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var policy = provider.GetRequiredService<IUserAccessPolicy>();
        var tracker = provider.GetRequiredService<RedisBudgetTracker>();
        var now = DateTimeOffset.UtcNow;
        await policy.SuspendAsync(new UserSuspension("user-a", "operator.manual", now, now.AddMinutes(1)), CancellationToken.None);

        Assert.That(policy, Is.InstanceOf<RedisUserAccessPolicy>());
        Assert.That(((RedisUserAccessPolicy)policy).Connection, Is.SameAs(tracker.Connection), "one connection per application");
        var connection = tracker.Connection;
        await provider.DisposeAsync();
        Assert.That(connection.IsConnected, Is.False, "the connection opened from the configuration string closes with the provider");
    }

    [Test]
    public async Task Options_bind_from_configuration_and_an_existing_multiplexer_is_used_and_left_open()
    {
        var prefix = RedisTest.AccessOptions().KeyPrefix;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SafeOpenAI:Redis:Access:KeyPrefix"] = prefix,
            ["SafeOpenAI:Redis:Access:FailureMode"] = "FailClosed",
            ["SafeOpenAI:Redis:Access:OperationTimeout"] = "00:00:00.500",
        }).Build();
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(RedisServerFixture.Server.Configuration);
        var services = new ServiceCollection();
        services.AddSingleton<IConnectionMultiplexer>(multiplexer);
        services.AddSafeOpenAI(o =>
        {
            o.Identity.HashKey = HashKey;
            o.ApiKey = "not-used";
        }).UseRedisAccessPolicy(configuration.GetSection("SafeOpenAI:Redis:Access"));
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var options = provider.GetRequiredService<IOptions<RedisAccessPolicyOptions>>().Value;
        var policy = (RedisUserAccessPolicy)provider.GetRequiredService<IUserAccessPolicy>();

        Assert.That((options.KeyPrefix, options.FailureMode, options.OperationTimeout), Is.EqualTo((prefix, RedisFailureMode.FailClosed, TimeSpan.FromMilliseconds(500))));
        Assert.That(policy.Connection, Is.SameAs(multiplexer));
        Assert.That(await policy.GetSuspensionAsync("user-a", CancellationToken.None), Is.Null);
        await provider.DisposeAsync();
        Assert.That(multiplexer.IsConnected, Is.True, "a multiplexer from DI is not closed");
    }

    [Test]
    public void Missing_configuration_and_a_bad_prefix_fail_validation_naming_the_keys()
    {
        var services = new ServiceCollection();
        services.AddSafeOpenAI(o => o.Identity.HashKey = HashKey).UseRedisAccessPolicy(o => o.KeyPrefix = "no-tag");
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RedisAccessPolicyOptions>>().Value.ToString());

        Assert.That(error!.Message, Does.Contain("SafeOpenAI:Redis:Access:Configuration").And.Contain("SafeOpenAI:Redis:Access:KeyPrefix"));
    }

    private static ServiceProvider BuildApp(LocalOpenAIEndpoint endpoint, string prefix, TimeProvider time)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(time);
        services.AddSingleton(endpoint.CreateChatClient("gpt-4o-mini", maxRetries: 0));
        services.AddSingleton(endpoint.CreateModerationClient(maxRetries: 0));
        services.AddSafeOpenAI(o =>
        {
            o.Identity.HashKey = HashKey;
            o.Moderation.Enabled = false;
            o.Anomaly.Enabled = false;
            o.Budget.RequestsPerMinute = null;
        }).UseRedisAccessPolicy(o =>
        {
            o.Configuration = RedisServerFixture.Server.Configuration;
            o.KeyPrefix = prefix;
        });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    // The policy stores times to the millisecond, rounding an end up.
    private static DateTimeOffset WholeMilliseconds(DateTimeOffset instant) => DateTimeOffset.FromUnixTimeMilliseconds(instant.ToUnixTimeMilliseconds());

    private static string UserKey(string user)
    {
        using var hasher = new SafetyHasher(new SafetyIdentifierOptions { HashKey = HashKey });
        return hasher.ComputeSafetyIdentifier(user);
    }

    private static SafeChatRequest Ask(string text, string user = "user-1") =>
        new([ChatMessage.CreateSystemMessage("You are helpful."), ChatMessage.CreateUserMessage(text)])
        {
            Identity = new SafetyIdentity(user, "session-1"),
        };
}
