using SafeOpenAI.Tests.Budget;
using StackExchange.Redis;

namespace SafeOpenAI.Redis.Tests;

/// <summary>The budget contract shared with the in-memory tracker, on RedisBudgetTracker against a real redis-server.</summary>
public class RedisBudgetTrackerContractTests : BudgetTrackerContractTests
{
    private ConnectionMultiplexer _clock = null!;

    [OneTimeSetUp]
    public async Task ConnectAsync() => _clock = await ConnectionMultiplexer.ConnectAsync(RedisServerFixture.Server.Configuration);

    [OneTimeTearDown]
    public async Task DisconnectAsync() => await _clock.DisposeAsync();

    protected override Task<IBudgetTracker> CreateTrackerAsync(BudgetOptions options, BudgetAlertDispatcher alerts) =>
        Task.FromResult<IBudgetTracker>(RedisTest.Tracker(RedisTest.Options(), options, alerts));

    // The tracker's windows follow the Redis clock.
    protected override async Task<DateTimeOffset> NowAsync(IBudgetTracker tracker) =>
        new(await _clock.GetServer(_clock.GetEndPoints()[0]).TimeAsync(), TimeSpan.Zero);
}
