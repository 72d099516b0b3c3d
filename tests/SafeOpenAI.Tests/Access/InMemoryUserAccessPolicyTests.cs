namespace SafeOpenAI.Tests.Access;

/// <summary>The access policy contract on the default in-memory policy.</summary>
public class InMemoryUserAccessPolicyTests : UserAccessPolicyContractTests
{
    protected override Task<IUserAccessPolicy> CreatePolicyAsync(TimeProvider time) =>
        Task.FromResult<IUserAccessPolicy>(new InMemoryUserAccessPolicy(time));

    [Test]
    public void The_clock_is_required() =>
        Assert.Throws<ArgumentNullException>(() => _ = new InMemoryUserAccessPolicy(null!));

    [Test]
    public async Task Ended_suspensions_are_swept_while_others_are_written()
    {
        var policy = new InMemoryUserAccessPolicy(Time);
        for (var i = 0; i < 100; i++)
        {
            await policy.SuspendAsync(For("old-" + i, "anomaly.token_spike", TimeSpan.FromMinutes(1)), CancellationToken.None);
        }

        Time.Advance(TimeSpan.FromMinutes(2));
        for (var i = 0; i < 64; i++)
        {
            await policy.SuspendAsync(For("new-" + i, "anomaly.token_spike", TimeSpan.FromMinutes(1)), CancellationToken.None);
        }

        Assert.That(policy.Count, Is.LessThanOrEqualTo(64), "the 100 ended suspensions were swept without a read or a list");
    }
}
