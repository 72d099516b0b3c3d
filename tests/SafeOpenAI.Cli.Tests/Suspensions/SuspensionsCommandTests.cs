using System.Text.Json;
using SafeOpenAI.Redis;
using SafeOpenAI.Testing;
using StackExchange.Redis;

namespace SafeOpenAI.Cli.Tests.Suspensions;

/// <summary><c>safeopenai suspensions</c> run as a process against a real redis-server.</summary>
public class SuspensionsCommandTests
{
    private LocalRedisServer _server = null!;
    private ConnectionMultiplexer _connection = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _server = await LocalRedisServer.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(_server.Configuration);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _connection.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Test]
    public async Task List_shows_the_suspensions_in_force_soonest_end_first()
    {
        var (policy, prefix) = NewPolicy();
        var now = DateTimeOffset.UtcNow;
        await policy.SuspendAsync(new UserSuspension("user-late", "anomaly.token_spike", now, now.AddHours(5)), CancellationToken.None);
        await policy.SuspendAsync(new UserSuspension("user-soon", "operator.manual", now, now.AddMinutes(30)), CancellationToken.None);

        var json = CliProcess.Run($"suspensions list --redis {_server.Configuration} --prefix {prefix} --json");
        var table = CliProcess.Run($"suspensions list --redis {_server.Configuration} --prefix {prefix}");

        Assert.That(json.Exit, Is.Zero, json.Stderr);
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.That(document.RootElement.EnumerateArray().Select(s => s.GetProperty("userKey").GetString()), Is.EqualTo(new[] { "user-soon", "user-late" }));
        Assert.That(document.RootElement[0].GetProperty("reason").GetString(), Is.EqualTo("operator.manual"));
        Assert.That(table.Exit, Is.Zero, table.Stderr);
        Assert.That(table.Stdout, Does.Contain("user-soon").And.Contain("anomaly.token_spike").And.Contain("2 suspension(s) in force."));
        Assert.That(table.Stdout.IndexOf("user-soon", StringComparison.Ordinal), Is.LessThan(table.Stdout.IndexOf("user-late", StringComparison.Ordinal)));
    }

    [Test]
    public async Task Lift_ends_a_suspension_for_every_instance_and_says_when_there_was_none()
    {
        var (policy, prefix) = NewPolicy();
        var now = DateTimeOffset.UtcNow;
        await policy.SuspendAsync(new UserSuspension("user-a", "anomaly.repeated_injection", now, now.AddHours(1)), CancellationToken.None);

        var lifted = CliProcess.Run($"suspensions lift user-a --redis {_server.Configuration} --prefix {prefix}");
        var again = CliProcess.Run($"suspensions lift user-a --redis {_server.Configuration} --prefix {prefix}");

        Assert.That((lifted.Exit, again.Exit), Is.EqualTo((0, 1)));
        Assert.That(lifted.Stdout, Does.Contain("Lifted the suspension of user-a."));
        Assert.That(again.Stdout, Does.Contain("No suspension in force for user-a."));
        Assert.That(await policy.GetSuspensionAsync("user-a", CancellationToken.None), Is.Null);
    }

    [Test]
    public void Bad_arguments_and_an_unreachable_Redis_are_told_apart_by_exit_code()
    {
        var badPrefix = CliProcess.Run($"suspensions list --redis {_server.Configuration} --prefix no-tag");
        var unreachable = CliProcess.Run("suspensions list --redis 127.0.0.1:1,password=secret-pw");
        var missing = CliProcess.Run("suspensions lift user-a");

        Assert.That(badPrefix.Exit, Is.EqualTo(2));
        Assert.That(badPrefix.Stderr, Does.Contain("--prefix"));
        Assert.That(unreachable.Exit, Is.EqualTo(3));
        Assert.That(unreachable.Stderr, Does.Contain("Cannot reach Redis").And.Not.Contain("secret-pw"));
        Assert.That(missing.Exit, Is.Not.Zero);
        Assert.That(missing.Stderr, Does.Contain("--redis"));
    }

    private (RedisUserAccessPolicy Policy, string Prefix) NewPolicy()
    {
        var prefix = "{cli-" + Guid.NewGuid().ToString("N")[..12] + "}";
        return (new RedisUserAccessPolicy(_connection, new RedisAccessPolicyOptions { KeyPrefix = prefix }, null, null), prefix);
    }
}
