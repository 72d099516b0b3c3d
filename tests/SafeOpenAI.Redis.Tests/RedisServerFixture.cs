using SafeOpenAI.Testing;

namespace SafeOpenAI.Redis.Tests;

/// <summary>One real redis-server for the test assembly; tests isolate themselves by key prefix.</summary>
[SetUpFixture]
public sealed class RedisServerFixture
{
    public static LocalRedisServer Server { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => Server = await LocalRedisServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await Server.DisposeAsync();
}
