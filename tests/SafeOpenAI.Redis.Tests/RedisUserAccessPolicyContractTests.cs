using Microsoft.Extensions.Logging.Abstractions;
using SafeOpenAI.Tests.Access;
using StackExchange.Redis;

namespace SafeOpenAI.Redis.Tests;

/// <summary>The access policy contract shared with the in-memory policy, on RedisUserAccessPolicy against a real redis-server.</summary>
public class RedisUserAccessPolicyContractTests : UserAccessPolicyContractTests
{
    private ConnectionMultiplexer _connection = null!;

    [OneTimeSetUp]
    public async Task ConnectAsync() => _connection = await ConnectionMultiplexer.ConnectAsync(RedisServerFixture.Server.Configuration);

    [OneTimeTearDown]
    public async Task DisconnectAsync() => await _connection.DisposeAsync();

    // A fresh key prefix per policy: no test sees another's suspensions.
    protected override Task<IUserAccessPolicy> CreatePolicyAsync(TimeProvider time) =>
        Task.FromResult<IUserAccessPolicy>(new RedisUserAccessPolicy(_connection, RedisTest.AccessOptions(), time, NullLoggerFactory.Instance));
}
