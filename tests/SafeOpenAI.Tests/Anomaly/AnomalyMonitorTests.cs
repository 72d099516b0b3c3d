using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Moq;
using SafeOpenAI.Tests.Alerts;

namespace SafeOpenAI.Tests.Anomaly;

public sealed class AnomalyMonitorTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private FakeTimeProvider _time = null!;
    private RecordingAlertSink _sink = null!;
    private SafetyAlertDispatcher _dispatcher = null!;
    private Mock<IUserAccessPolicy> _policy = null!;
    private FakeLogCollector _logs = null!;
    private ILoggerFactory _loggerFactory = null!;
    private int _sequence;
    private int _taken;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(Start);
        _sink = new RecordingAlertSink();
        _taken = 0;
        _dispatcher = new SafetyAlertDispatcher([_sink], NullLoggerFactory.Instance);
        _policy = new Mock<IUserAccessPolicy>(MockBehavior.Strict);
        _policy.Setup(p => p.SuspendAsync(It.IsAny<UserSuspension>(), It.IsAny<CancellationToken>()))
            .Returns((UserSuspension s, CancellationToken _) => ValueTask.FromResult(s));
        _logs = new FakeLogCollector();
        _loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(_logs)));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _dispatcher.DisposeAsync();
        _loggerFactory.Dispose();
    }

    [Test]
    public async Task A_new_user_under_the_minimum_tokens_is_not_flagged_for_a_token_spike()
    {
        var monitor = Monitor(o => o.TokenSpikeMinimumTokens = 10_000);

        await monitor.ObserveAsync(Record("u1", tokens: 9_000), CancellationToken.None);

        Assert.That(await AlertsAsync(), Is.Empty);
    }

    [Test]
    public async Task Tokens_far_above_the_users_own_baseline_raise_one_token_spike_alert_per_window()
    {
        var monitor = Monitor(o =>
        {
            o.TokenSpikeWindow = TimeSpan.FromHours(1);
            o.TokenSpikeBaselineWindows = 3;
            o.TokenSpikeFactor = 10;
            o.TokenSpikeMinimumTokens = 5_000;
        });
        for (var hour = 0; hour < 3; hour++)
        {
            await monitor.ObserveAsync(Record("u1", tokens: 1_000), CancellationToken.None);
            _time.Advance(TimeSpan.FromHours(1));
        }

        await monitor.ObserveAsync(Record("u1", tokens: 9_000), CancellationToken.None);   // 9,000 ≤ 10 × 1,000
        await monitor.ObserveAsync(Record("u1", tokens: 2_000), CancellationToken.None);   // 11,000 > 10,000
        await monitor.ObserveAsync(Record("u1", tokens: 5_000), CancellationToken.None);   // same window: no second alert
        await monitor.ObserveAsync(Record("u2", tokens: 1_000), CancellationToken.None);   // another user is unaffected

        var alert = (await AlertsAsync()).Single();
        Assert.That(alert.Rule, Is.EqualTo(AnomalyRules.TokenSpike));
        Assert.That(alert.Scope, Is.EqualTo(AlertScope.User));
        Assert.That(alert.Subject, Is.EqualTo("u1"));
        Assert.That(alert.Observed, Is.EqualTo(11_000));
        Assert.That(alert.Threshold, Is.EqualTo(10_000));
        Assert.That(alert.Unit, Is.EqualTo("tokens"));
        Assert.That(alert.Window, Is.EqualTo(TimeSpan.FromHours(1)));
        Assert.That(alert.SuspendedUntil, Is.Null);
        _policy.Verify(p => p.SuspendAsync(It.IsAny<UserSuspension>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task The_baseline_forgets_windows_older_than_the_baseline()
    {
        var monitor = Monitor(o =>
        {
            o.TokenSpikeBaselineWindows = 2;
            o.TokenSpikeFactor = 2;
            o.TokenSpikeMinimumTokens = 1_000;
        });
        await monitor.ObserveAsync(Record("u1", tokens: 50_000), CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(3));   // the 50,000-token hour is now outside the 2-hour baseline

        await monitor.ObserveAsync(Record("u1", tokens: 2_000), CancellationToken.None);

        // The first hour trips too (nothing before it); the third trips only because the first left the baseline.
        Assert.That((await AlertsAsync()).Select(a => a.Observed), Is.EqualTo(new[] { 50_000.0, 2_000.0 }));
    }

    [Test]
    public async Task Repeated_moderation_flags_alert_and_suspend_the_user_for_the_cooldown()
    {
        var monitor = Monitor(o =>
        {
            o.ModerationFlagThreshold = 3;
            o.SuspensionCooldown = TimeSpan.FromMinutes(30);
        });

        await monitor.ObserveAsync(Flagged("u1"), CancellationToken.None);
        await monitor.ObserveAsync(Flagged("u1"), CancellationToken.None);
        _policy.Verify(p => p.SuspendAsync(It.IsAny<UserSuspension>(), It.IsAny<CancellationToken>()), Times.Never);
        _time.Advance(TimeSpan.FromMinutes(10));
        await monitor.ObserveAsync(Flagged("u1", byScore: false), CancellationToken.None);

        var until = Start.AddMinutes(40);
        _policy.Verify(p => p.SuspendAsync(new UserSuspension("u1", AnomalyRules.RepeatedModerationFlags, Start.AddMinutes(10), until), It.IsAny<CancellationToken>()), Times.Once);
        var alert = (await AlertsAsync()).Single();
        Assert.That(alert, Is.EqualTo(new SafetyAlert(AnomalyRules.RepeatedModerationFlags, AlertScope.User, "u1", 3, 3, "count", TimeSpan.FromHours(1), Start.AddMinutes(10), until)));
    }

    [Test]
    public async Task Flags_outside_the_sliding_window_do_not_count()
    {
        var monitor = Monitor(o => o.ModerationFlagThreshold = 2);

        await monitor.ObserveAsync(Flagged("u1"), CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(1));
        await monitor.ObserveAsync(Flagged("u1"), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(59));
        await monitor.ObserveAsync(Flagged("u1"), CancellationToken.None);

        var alert = (await AlertsAsync()).Single();
        Assert.That(alert.RaisedAt, Is.EqualTo(Start.AddMinutes(119)));
    }

    [Test]
    public async Task An_ongoing_abuse_alerts_once_per_window_not_once_per_call()
    {
        var monitor = Monitor(o => o.ModerationFlagThreshold = 2);

        await ObserveTimesAsync(monitor, 6, _ => Flagged("u1"));

        _time.Advance(TimeSpan.FromHours(1));
        await monitor.ObserveAsync(Flagged("u1"), CancellationToken.None);
        await monitor.ObserveAsync(Flagged("u1"), CancellationToken.None);

        Assert.That((await AlertsAsync()).Select(a => a.RaisedAt), Is.EqualTo(new[] { Start, Start.AddHours(1) }));
    }

    [Test]
    public async Task Repeated_injection_detections_of_either_injection_stage_alert_and_suspend()
    {
        var monitor = Monitor(o => o.InjectionThreshold = 3);

        await monitor.ObserveAsync(Record("u1", codes: ["PromptInjection:injection.detected"]), CancellationToken.None);
        await monitor.ObserveAsync(Record("u1", codes: ["ModelInjectionClassifier:injection.detected"]), CancellationToken.None);
        await monitor.ObserveAsync(Record("u1", codes: ["ModelInjectionClassifier:injection.classifier_unavailable"]), CancellationToken.None);
        await monitor.ObserveAsync(Record("u1", outcome: AuditOutcome.PendingReview, codes: ["PromptInjection:injection.detected"]), CancellationToken.None);

        var alert = (await AlertsAsync()).Single();
        Assert.That(alert.Rule, Is.EqualTo(AnomalyRules.RepeatedInjection));
        Assert.That(alert.SuspendedUntil, Is.EqualTo(Start.AddHours(1)));
        _policy.Verify(p => p.SuspendAsync(It.Is<UserSuspension>(s => s.Reason == AnomalyRules.RepeatedInjection && s.UserKey == "u1"), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task A_call_without_user_or_session_never_suspends_anyone_but_an_anonymous_session_does()
    {
        var monitor = Monitor(o => o.ModerationFlagThreshold = 2);

        for (var i = 0; i < 3; i++)
        {
            await monitor.ObserveAsync(Flagged(user: null), CancellationToken.None);
            await monitor.ObserveAsync(Flagged(user: null, session: "s-hash"), CancellationToken.None);
        }

        Assert.That((await AlertsAsync()).Single().Subject, Is.EqualTo("anonymous:s-hash"));
        _policy.Verify(p => p.SuspendAsync(It.Is<UserSuspension>(s => s.UserKey == "anonymous:s-hash"), It.IsAny<CancellationToken>()), Times.Once);
        _policy.VerifyNoOtherCalls();
    }

    [Test]
    public async Task A_failing_suspension_is_logged_with_rule_and_user_and_the_alert_still_goes_out()
    {
        _policy.Setup(p => p.SuspendAsync(It.IsAny<UserSuspension>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("store down"));
        var monitor = Monitor(o => o.ModerationFlagThreshold = 1);

        Assert.DoesNotThrowAsync(async () => await monitor.ObserveAsync(Flagged("u1"), CancellationToken.None));

        var alert = (await AlertsAsync()).Single();
        Assert.That(alert.Rule, Is.EqualTo(AnomalyRules.RepeatedModerationFlags));
        Assert.That(alert.SuspendedUntil, Is.Null);
        var error = _logs.GetSnapshot().Single(r => r.Id.Id == 3204);
        Assert.That(error.Level, Is.EqualTo(LogLevel.Error));
        Assert.That(error.Exception, Is.TypeOf<InvalidOperationException>());
        Assert.That(error.StructuredState!.ToDictionary(p => p.Key, p => p.Value), Does.ContainKey("Rule").WithValue(AnomalyRules.RepeatedModerationFlags).And.ContainKey("UserKey").WithValue("u1"));
    }

    [Test]
    public async Task Latency_p95_above_the_threshold_alerts_once_enough_answered_calls_were_seen()
    {
        var monitor = Monitor(o =>
        {
            o.LatencyP95Threshold = TimeSpan.FromSeconds(1);
            o.GlobalMinimumSamples = 20;
        });
        for (var i = 0; i < 10; i++)
        {
            await monitor.ObserveAsync(Record("u1", duration: TimeSpan.FromSeconds(5)), CancellationToken.None);
            await monitor.ObserveAsync(Record("u1", outcome: AuditOutcome.Blocked, duration: TimeSpan.FromSeconds(5)), CancellationToken.None);
        }

        Assert.That(await AlertsAsync(), Is.Empty, "10 answered calls are under the minimum of 20; blocked calls are not answers");
    }

    [Test]
    public async Task Latency_p95_is_the_nearest_rank_percentile_of_the_window()
    {
        var monitor = Monitor(o =>
        {
            o.LatencyP95Threshold = TimeSpan.FromSeconds(1);
            o.GlobalMinimumSamples = 20;
        });
        await ObserveTimesAsync(monitor, 18, i => Record("u1", duration: TimeSpan.FromMilliseconds(100 + i)));

        await monitor.ObserveAsync(Record("u1", duration: TimeSpan.FromSeconds(3)), CancellationToken.None);
        await monitor.ObserveAsync(Record("u1", duration: TimeSpan.FromSeconds(2)), CancellationToken.None);   // 20 calls: rank 19 is 2 s
        var alert = (await AlertsAsync()).Single();

        Assert.That(alert.Rule, Is.EqualTo(AnomalyRules.LatencyP95));
        Assert.That(alert.Scope, Is.EqualTo(AlertScope.Global));
        Assert.That(alert.Subject, Is.Null);
        Assert.That(alert.Observed, Is.EqualTo(2.0));
        Assert.That(alert.Threshold, Is.EqualTo(1.0));
        Assert.That(alert.Unit, Is.EqualTo("seconds"));
    }

    [Test]
    public async Task One_slow_call_in_twenty_is_within_the_p95()
    {
        var monitor = Monitor(o =>
        {
            o.LatencyP95Threshold = TimeSpan.FromSeconds(1);
            o.GlobalMinimumSamples = 20;
        });
        await ObserveTimesAsync(monitor, 19, _ => Record("u1", duration: TimeSpan.FromMilliseconds(100)));

        await monitor.ObserveAsync(Record("u1", duration: TimeSpan.FromSeconds(30)), CancellationToken.None);

        Assert.That(await AlertsAsync(), Is.Empty);
    }

    [Test]
    public async Task Error_rate_above_the_threshold_alerts_and_blocked_calls_are_not_errors()
    {
        var monitor = Monitor(o =>
        {
            o.ErrorRateThreshold = 0.05;
            o.GlobalMinimumSamples = 20;
        });
        await ObserveTimesAsync(monitor, 17, _ => Record("u1", outcome: AuditOutcome.Blocked));

        await monitor.ObserveAsync(Record("u1", outcome: AuditOutcome.Failed), CancellationToken.None);
        await monitor.ObserveAsync(Record("u1", outcome: AuditOutcome.Cancelled), CancellationToken.None);   // not counted at all
        await monitor.ObserveAsync(Record("u1"), CancellationToken.None);
        await monitor.ObserveAsync(Record("u1"), CancellationToken.None);   // 20 calls, 1 failed: 5 %, not above
        Assert.That(await AlertsAsync(), Is.Empty);

        await monitor.ObserveAsync(Record("u1", outcome: AuditOutcome.Failed), CancellationToken.None);   // 2 of 21

        var alert = (await AlertsAsync()).Single();
        Assert.That(alert.Rule, Is.EqualTo(AnomalyRules.ErrorRate));
        Assert.That(alert.Observed, Is.EqualTo(Math.Round(2.0 / 21, 4)));
        Assert.That(alert.Unit, Is.EqualTo("ratio"));
    }

    [Test]
    public async Task Calls_older_than_the_global_window_leave_the_error_rate()
    {
        var monitor = Monitor(o =>
        {
            o.GlobalWindow = TimeSpan.FromMinutes(5);
            o.GlobalMinimumSamples = 20;
        });
        await ObserveTimesAsync(monitor, 19, _ => Record("u1", outcome: AuditOutcome.Failed));

        _time.Advance(TimeSpan.FromMinutes(5));
        await monitor.ObserveAsync(Record("u1", outcome: AuditOutcome.Failed), CancellationToken.None);

        Assert.That(await AlertsAsync(), Is.Empty);
    }

    [Test]
    public async Task Feedback_reports_above_the_threshold_alert_and_a_repeated_report_counts_once()
    {
        var monitor = Monitor(o => o.FeedbackThreshold = 3);

        await monitor.ObserveFeedbackAsync("a1", "u1", CancellationToken.None);
        await monitor.ObserveFeedbackAsync("a1", "u1", CancellationToken.None);
        await monitor.ObserveFeedbackAsync("a2", "u1", CancellationToken.None);
        Assert.That(await AlertsAsync(), Is.Empty);

        await monitor.ObserveFeedbackAsync("a2", null, CancellationToken.None);

        var alert = (await AlertsAsync()).Single();
        Assert.That(alert.Rule, Is.EqualTo(AnomalyRules.FeedbackSpike));
        Assert.That(alert.Scope, Is.EqualTo(AlertScope.Global));
        Assert.That(alert.Observed, Is.EqualTo(3));
    }

    [Test]
    public async Task Tracked_users_stay_within_the_bound_and_idle_users_are_forgotten()
    {
        var monitor = Monitor(o =>
        {
            o.MaxTrackedUsers = 10;
            o.TokenSpikeBaselineWindows = 1;
        });
        for (var i = 0; i < 25; i++)
        {
            await monitor.ObserveAsync(Record("u" + i), CancellationToken.None);
            Assert.That(monitor.TrackedUsers, Is.LessThanOrEqualTo(10));
        }

        _time.Advance(TimeSpan.FromHours(2) + TimeSpan.FromTicks(1));   // idle longer than the 2-hour token history
        await monitor.ObserveAsync(Record("fresh"), CancellationToken.None);

        Assert.That(monitor.TrackedUsers, Is.EqualTo(1));
    }

    [Test]
    public async Task Concurrent_observations_raise_exactly_one_alert_and_one_suspension_per_rule_and_user()
    {
        var monitor = Monitor(o =>
        {
            o.ModerationFlagThreshold = 3;
            o.GlobalMinimumSamples = 1_000;
        });

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                await monitor.ObserveAsync(Flagged("u1"), CancellationToken.None);
                await monitor.ObserveAsync(Record("user-" + i), CancellationToken.None);
            }
        })));

        Assert.That((await AlertsAsync()).Select(a => a.Rule), Is.EqualTo(new[] { AnomalyRules.RepeatedModerationFlags }));
        _policy.Verify(p => p.SuspendAsync(It.IsAny<UserSuspension>(), It.IsAny<CancellationToken>()), Times.Once);
        Assert.That(monitor.TrackedUsers, Is.EqualTo(201));
    }

    [Test]
    public async Task A_disabled_monitor_raises_nothing()
    {
        var monitor = Monitor(o =>
        {
            o.Enabled = false;
            o.ModerationFlagThreshold = 1;
        });

        await monitor.ObserveAsync(Flagged("u1"), CancellationToken.None);

        Assert.That(await AlertsAsync(), Is.Empty);
    }

    [Test]
    public void Invalid_options_are_refused_with_their_configuration_key()
    {
        var options = new AnomalyOptions { ModerationFlagThreshold = 0, ErrorRateThreshold = 2 };

        var error = Assert.Throws<ArgumentException>(() => new AnomalyMonitor(options, _policy.Object, _dispatcher, _time, NullLoggerFactory.Instance));

        Assert.That(error!.Message, Does.Contain("SafeOpenAI:Anomaly:ModerationFlagThreshold").And.Contain("SafeOpenAI:Anomaly:ErrorRateThreshold"));
    }

    private AnomalyMonitor Monitor(Action<AnomalyOptions> configure)
    {
        var options = new AnomalyOptions();
        configure(options);
        return new AnomalyMonitor(options, _policy.Object, _dispatcher, _time, _loggerFactory);
    }

    /// <summary>Waits until the dispatcher delivered everything queued so far (it delivers in order, so a marker alert arriving means the rest did) and takes what the sink got.</summary>
    private async Task<IReadOnlyList<SafetyAlert>> AlertsAsync()
    {
        var marker = new SafetyAlert("test.marker", AlertScope.Global, null, 0, 0, "count", TimeSpan.Zero, Start);
        var before = _sink.Alerts.Count;
        _dispatcher.Enqueue(marker);
        await _sink.WaitForAsync(before + 1);
        var alerts = _sink.Alerts.Skip(_taken).Where(a => a.Rule != marker.Rule).ToArray();
        _taken = _sink.Alerts.Count;
        return alerts;
    }

    private AuditRecord Flagged(string? user, string? session = null, bool byScore = true) => Record(
        user,
        session: session,
        outcome: AuditOutcome.Blocked,
        codes: byScore ? ["OpenAIModeration:moderation.allowed"] : ["OpenAIModeration:moderation.flagged:violence"],
        scores: byScore ? [new AuditModerationScore(SafetyPhase.InputModeration, "violence", 0.97, Flagged: true)] : []);

    private AuditRecord Record(
        string? user,
        int tokens = 100,
        AuditOutcome outcome = AuditOutcome.Completed,
        TimeSpan? duration = null,
        string? session = null,
        string[]? codes = null,
        AuditModerationScore[]? scores = null) => new()
        {
            AuditId = "audit-" + Interlocked.Increment(ref _sequence),
            Timestamp = _time.GetUtcNow(),
            SafetyIdentifier = user,
            SessionHash = session,
            Model = "gpt-4o-mini",
            Outcome = outcome,
            InputHash = "hash",
            VerdictCodes = codes ?? [],
            Usage = outcome == AuditOutcome.Completed ? new TokenUsage(tokens / 2, tokens - (tokens / 2)) : null,
            Duration = duration ?? TimeSpan.FromMilliseconds(200),
            ModerationScores = scores ?? [],
        };

    /// <summary>Observes <paramref name="times"/> records, the i-th made by <paramref name="record"/>(i).</summary>
    private static async Task ObserveTimesAsync(AnomalyMonitor monitor, int times, Func<int, AuditRecord> record)
    {
        for (var i = 0; i < times; i++)
        {
            await monitor.ObserveAsync(record(i), CancellationToken.None);
        }
    }
}
