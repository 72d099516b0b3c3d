using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenAI.Chat;
using SafeOpenAI.Testing;
using StackExchange.Redis;

namespace SafeOpenAI.Redis.Tests;

/// <summary>SafeChatClient registered with AddSafeOpenAI(...).UseRedisBudgets(...), over the real OpenAI SDK and a real redis-server.</summary>
public class RedisBudgetIntegrationTests
{
    private const string HashKey = "integration-test-hash-key-0123456789";

    [Test]
    public async Task Two_app_instances_share_one_budget_and_the_denial_names_scope_and_window()
    {
        await using var endpoint = await LocalOpenAIEndpoint.StartAsync();
        var prefix = RedisTest.Options().KeyPrefix;
        await using var first = BuildApp(endpoint, prefix);
        await using var second = BuildApp(endpoint, prefix);

        var one = await first.GetRequiredService<SafeChatClient>().CompleteAsync(Ask("first question"));
        var two = await second.GetRequiredService<SafeChatClient>().CompleteAsync(Ask("second question"));
        var three = await first.GetRequiredService<SafeChatClient>().CompleteAsync(Ask("third question"));

        Assert.That((one.Status, two.Status), Is.EqualTo((SafeChatStatus.Completed, SafeChatStatus.Completed)));
        Assert.That(three.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(three.DecisiveVerdict!.Code, Is.EqualTo("budget.exceeded:user-hour-requests"));
        Assert.That(three.DecisiveVerdict.Stage, Is.EqualTo("RedisBudget"));
        Assert.That(three.DecisiveVerdict.Evidence["scope"], Is.EqualTo("user"));
        Assert.That(three.DecisiveVerdict.Evidence["window"], Is.EqualTo("hour"));
        Assert.That(endpoint.ChatRequests, Has.Count.EqualTo(2), "the denied call never reached the model");

        using var hasher = new SafetyHasher(new SafetyIdentifierOptions { HashKey = HashKey });
        var usage = await second.GetRequiredService<IBudgetUsageReader>().GetUsageAsync(BudgetScope.User, hasher.ComputeSafetyIdentifier("user-1"), BudgetWindow.Hour, CancellationToken.None);
        Assert.That(usage.Requests, Is.EqualTo(2));
        Assert.That(usage.Tokens, Is.EqualTo(one.Usage!.TotalTokens + two.Usage!.TotalTokens));
        Assert.That(usage.HeldTokens, Is.Zero);
    }

    [Test]
    public async Task Options_bind_from_configuration_and_an_existing_multiplexer_can_be_used()
    {
        var prefix = RedisTest.Options().KeyPrefix;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SafeOpenAI:Redis:KeyPrefix"] = prefix,
            ["SafeOpenAI:Redis:FailureMode"] = "FailOpen",
            ["SafeOpenAI:Redis:ReservationTimeout"] = "00:05:00",
        }).Build();
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(RedisServerFixture.Server.Configuration);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConnectionMultiplexer>(multiplexer);
        services.AddSafeOpenAI(o =>
        {
            o.Identity.HashKey = HashKey;
            o.ApiKey = "not-used";
        }).UseRedisBudgets(configuration.GetSection("SafeOpenAI:Redis"));
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var options = provider.GetRequiredService<IOptions<RedisBudgetOptions>>().Value;
        var tracker = provider.GetRequiredService<RedisBudgetTracker>();
        var reservation = await tracker.ReserveAsync(RedisTest.Request(10), CancellationToken.None);

        Assert.That((options.KeyPrefix, options.FailureMode, options.ReservationTimeout), Is.EqualTo((prefix, RedisFailureMode.FailOpen, TimeSpan.FromMinutes(5))));
        Assert.That(reservation.Verdict.Code, Is.EqualTo(SafetyVerdict.AllowedCode));
        Assert.That(provider.GetRequiredService<IBudgetUsageReader>(), Is.SameAs(tracker));
        await provider.DisposeAsync();
        Assert.That(multiplexer.IsConnected, Is.True, "a multiplexer from DI is not closed by the tracker");
    }

    [Test]
    public void Missing_configuration_fails_validation_naming_the_key()
    {
        var services = new ServiceCollection();
        services.AddSafeOpenAI(o => o.Identity.HashKey = HashKey).UseRedisBudgets(o => o.KeyPrefix = "no-tag");
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RedisBudgetOptions>>().Value.ToString());

        Assert.That(error!.Message, Does.Contain("SafeOpenAI:Redis:Configuration").And.Contain("SafeOpenAI:Redis:KeyPrefix"));
    }

    private static ServiceProvider BuildApp(LocalOpenAIEndpoint endpoint, string prefix)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(endpoint.CreateChatClient("gpt-4o-mini", maxRetries: 0));
        services.AddSingleton(endpoint.CreateModerationClient(maxRetries: 0));
        services.AddSafeOpenAI(o =>
        {
            o.Identity.HashKey = HashKey;
            o.Moderation.Enabled = false;
            o.Hardening.DefaultMaxOutputTokens = 200;
            o.Budget.RequestsPerMinute = null;
            o.Budget.Limits.Add(new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Hour, Requests = 2, Tokens = 100_000 });
        }).UseRedisBudgets(o =>
        {
            o.Configuration = RedisServerFixture.Server.Configuration;
            o.KeyPrefix = prefix;
        });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static SafeChatRequest Ask(string text) =>
        new([ChatMessage.CreateSystemMessage("You are helpful."), ChatMessage.CreateUserMessage(text)])
        {
            Identity = new SafetyIdentity("user-1", "session-1"),
        };
}
