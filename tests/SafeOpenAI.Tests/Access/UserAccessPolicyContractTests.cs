using Microsoft.Extensions.Time.Testing;

namespace SafeOpenAI.Tests.Access;

/// <summary>
/// The rules every <see cref="IUserAccessPolicy"/> SafeOpenAI ships must follow, run against each
/// implementation by a subclass. Every policy runs on a <see cref="FakeTimeProvider"/>, so expiry is
/// tested by moving the clock, never by waiting.
/// </summary>
public abstract class UserAccessPolicyContractTests
{
    private static readonly DateTimeOffset s_start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The clock of the policy under test; a fresh one per test.</summary>
    protected FakeTimeProvider Time { get; private set; } = null!;

    /// <summary>Creates the policy under test on <paramref name="time"/>, with state of its own (no suspensions).</summary>
    protected abstract Task<IUserAccessPolicy> CreatePolicyAsync(TimeProvider time);

    [SetUp]
    public void StartClock() => Time = new FakeTimeProvider(s_start);

    [Test]
    public async Task A_user_never_suspended_may_call()
    {
        var policy = await CreatePolicyAsync(Time);

        Assert.That(await policy.GetSuspensionAsync("user-a", CancellationToken.None), Is.Null);
        Assert.That(await policy.ListSuspensionsAsync(CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task A_suspension_is_read_back_whole_and_concerns_its_user_only()
    {
        var policy = await CreatePolicyAsync(Time);
        var suspension = For("anonymous:5f2b", "anomaly.repeated_moderation_flags", TimeSpan.FromMinutes(30));

        var written = await policy.SuspendAsync(suspension, CancellationToken.None);
        var read = await policy.GetSuspensionAsync("anonymous:5f2b", CancellationToken.None);

        Assert.That(written, Is.EqualTo(suspension));
        Assert.That(read, Is.EqualTo(suspension));
        Assert.That(await policy.GetSuspensionAsync("anonymous:5f2c", CancellationToken.None), Is.Null);
        Assert.That(await policy.GetSuspensionAsync("anonymous", CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task A_suspension_ends_at_its_end_instant_on_the_policy_clock()
    {
        var policy = await CreatePolicyAsync(Time);
        await policy.SuspendAsync(For("user-a", "anomaly.token_spike", TimeSpan.FromMinutes(10)), CancellationToken.None);

        Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMilliseconds(1));
        var justBefore = await policy.GetSuspensionAsync("user-a", CancellationToken.None);
        Time.Advance(TimeSpan.FromMilliseconds(1));
        var atTheEnd = await policy.GetSuspensionAsync("user-a", CancellationToken.None);

        Assert.That(justBefore, Is.Not.Null);
        Assert.That(atTheEnd, Is.Null, "calls are allowed again from the instant Until");
        Assert.That(await policy.ListSuspensionsAsync(CancellationToken.None), Is.Empty);
        Assert.That(await policy.LiftAsync("user-a", CancellationToken.None), Is.False, "an ended suspension is not in force");
    }

    [Test]
    public async Task A_later_end_replaces_an_earlier_one_and_an_earlier_end_never_shortens_it()
    {
        var policy = await CreatePolicyAsync(Time);
        var ten = For("user-a", "anomaly.repeated_injection", TimeSpan.FromMinutes(10));
        var five = For("user-a", "operator.manual", TimeSpan.FromMinutes(5));
        var twenty = For("user-a", "anomaly.token_spike", TimeSpan.FromMinutes(20));

        await policy.SuspendAsync(ten, CancellationToken.None);
        var afterShorter = await policy.SuspendAsync(five, CancellationToken.None);
        var readAfterShorter = await policy.GetSuspensionAsync("user-a", CancellationToken.None);
        var afterLonger = await policy.SuspendAsync(twenty, CancellationToken.None);
        var readAfterLonger = await policy.GetSuspensionAsync("user-a", CancellationToken.None);

        Assert.That(afterShorter, Is.EqualTo(ten), "the longer suspension and its reason stay in force");
        Assert.That(readAfterShorter, Is.EqualTo(ten));
        Assert.That(afterLonger, Is.EqualTo(twenty));
        Assert.That(readAfterLonger, Is.EqualTo(twenty));
        Assert.That(await policy.ListSuspensionsAsync(CancellationToken.None), Is.EqualTo(new[] { twenty }));
    }

    [Test]
    public async Task An_ended_suspension_is_replaced_by_a_shorter_new_one()
    {
        var policy = await CreatePolicyAsync(Time);
        await policy.SuspendAsync(For("user-a", "anomaly.token_spike", TimeSpan.FromMinutes(5)), CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(6));
        var fresh = For("user-a", "operator.manual", TimeSpan.FromMinutes(2));

        var written = await policy.SuspendAsync(fresh, CancellationToken.None);

        Assert.That(written, Is.EqualTo(fresh));
        Assert.That(await policy.GetSuspensionAsync("user-a", CancellationToken.None), Is.EqualTo(fresh));
    }

    [Test]
    public async Task Lifting_ends_a_suspension_now_and_reports_whether_one_was_in_force()
    {
        var policy = await CreatePolicyAsync(Time);
        await policy.SuspendAsync(For("user-a", "anomaly.token_spike", TimeSpan.FromHours(1)), CancellationToken.None);
        await policy.SuspendAsync(For("user-b", "anomaly.token_spike", TimeSpan.FromHours(1)), CancellationToken.None);

        var lifted = await policy.LiftAsync("user-a", CancellationToken.None);
        var again = await policy.LiftAsync("user-a", CancellationToken.None);
        var never = await policy.LiftAsync("user-c", CancellationToken.None);

        Assert.That((lifted, again, never), Is.EqualTo((true, false, false)));
        Assert.That(await policy.GetSuspensionAsync("user-a", CancellationToken.None), Is.Null);
        Assert.That(await policy.GetSuspensionAsync("user-b", CancellationToken.None), Is.Not.Null, "other users stay suspended");
        Assert.That((await policy.ListSuspensionsAsync(CancellationToken.None)).Select(s => s.UserKey), Is.EqualTo(new[] { "user-b" }));
    }

    [Test]
    public async Task The_list_holds_the_suspensions_in_force_soonest_end_first()
    {
        var policy = await CreatePolicyAsync(Time);
        var late = For("user-late", "anomaly.token_spike", TimeSpan.FromHours(3));
        var soon = For("user-soon", "anomaly.repeated_moderation_flags", TimeSpan.FromMinutes(5));
        var middle = For("user-middle", "operator.manual", TimeSpan.FromHours(1));
        var tieA = For("user-tie-a", "operator.manual", TimeSpan.FromHours(2));
        var tieB = For("user-tie-b", "operator.manual", TimeSpan.FromHours(2));
        foreach (var suspension in new[] { late, soon, tieB, middle, tieA })
        {
            await policy.SuspendAsync(suspension, CancellationToken.None);
        }

        var all = await policy.ListSuspensionsAsync(CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(30));
        var later = await policy.ListSuspensionsAsync(CancellationToken.None);

        Assert.That(all, Is.EqualTo(new[] { soon, middle, tieA, tieB, late }));
        Assert.That(later, Is.EqualTo(new[] { middle, tieA, tieB, late }), "the ended suspension is gone");
    }

    [Test]
    public async Task Concurrent_suspensions_of_one_user_leave_the_latest_end_in_force()
    {
        var policy = await CreatePolicyAsync(Time);
        var ends = Enumerable.Range(1, 40).Select(i => TimeSpan.FromMinutes((i * 37) % 41 + 1)).ToArray();

        await Task.WhenAll(ends.Select(end => Task.Run(async () =>
            await policy.SuspendAsync(For("user-a", "anomaly.token_spike", end), CancellationToken.None))));

        var inForce = await policy.GetSuspensionAsync("user-a", CancellationToken.None);
        Assert.That(inForce!.Until, Is.EqualTo(s_start + ends.Max()));
        Assert.That(await policy.ListSuspensionsAsync(CancellationToken.None), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Invalid_arguments_are_refused_with_clear_errors()
    {
        var policy = await CreatePolicyAsync(Time);
        var now = Time.GetUtcNow();

        Assert.ThrowsAsync<ArgumentNullException>(async () => await policy.SuspendAsync(null!, CancellationToken.None));
        Assert.ThrowsAsync<ArgumentException>(async () => await policy.GetSuspensionAsync("", CancellationToken.None));
        Assert.ThrowsAsync<ArgumentNullException>(async () => await policy.GetSuspensionAsync(null!, CancellationToken.None));
        Assert.ThrowsAsync<ArgumentException>(async () => await policy.LiftAsync("", CancellationToken.None));
        var empty = Assert.ThrowsAsync<ArgumentException>(async () => await policy.SuspendAsync(new UserSuspension("", "operator.manual", now, now.AddMinutes(1)), CancellationToken.None));
        var noReason = Assert.ThrowsAsync<ArgumentException>(async () => await policy.SuspendAsync(new UserSuspension("user-a", "", now, now.AddMinutes(1)), CancellationToken.None));
        var backwards = Assert.ThrowsAsync<ArgumentException>(async () => await policy.SuspendAsync(new UserSuspension("user-a", "operator.manual", now, now.AddMinutes(-1)), CancellationToken.None));
        var ended = Assert.ThrowsAsync<ArgumentException>(async () => await policy.SuspendAsync(new UserSuspension("user-a", "operator.manual", now.AddHours(-2), now.AddHours(-1)), CancellationToken.None));

        Assert.That(empty!.Message, Does.Contain("user key"));
        Assert.That(noReason!.Message, Does.Contain("reason"));
        Assert.That(backwards!.Message, Does.Contain("must end after it starts"));
        Assert.That(ended!.Message, Does.Contain("already ended"));
        Assert.That(await policy.GetSuspensionAsync("user-a", CancellationToken.None), Is.Null, "nothing invalid was written");
    }

    [Test]
    public async Task A_cancelled_token_cancels_before_anything_is_done()
    {
        var policy = await CreatePolicyAsync(Time);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        Assert.ThrowsAsync(Is.InstanceOf<OperationCanceledException>(), async () => await policy.SuspendAsync(For("user-a", "operator.manual", TimeSpan.FromMinutes(1)), cancelled.Token));
        Assert.ThrowsAsync(Is.InstanceOf<OperationCanceledException>(), async () => await policy.GetSuspensionAsync("user-a", cancelled.Token));
        Assert.ThrowsAsync(Is.InstanceOf<OperationCanceledException>(), async () => await policy.LiftAsync("user-a", cancelled.Token));
        Assert.ThrowsAsync(Is.InstanceOf<OperationCanceledException>(), async () => await policy.ListSuspensionsAsync(cancelled.Token));
        Assert.That(await policy.GetSuspensionAsync("user-a", CancellationToken.None), Is.Null);
    }

    /// <summary>A suspension of <paramref name="user"/> from now for <paramref name="length"/>.</summary>
    protected UserSuspension For(string user, string reason, TimeSpan length)
    {
        var now = Time.GetUtcNow();
        return new UserSuspension(user, reason, now, now + length);
    }
}
