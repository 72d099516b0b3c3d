using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace SafeOpenAI.Tests.Alerts;

public sealed class SafetyAlertDispatcherTests
{
    private static readonly SafetyAlert Alert = new(AnomalyRules.RepeatedInjection, AlertScope.User, "user-key", 3, 3, "count", TimeSpan.FromHours(1), new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 2, 11, 0, 0, TimeSpan.Zero));

    private FakeLogCollector _logs = null!;
    private ILoggerFactory _loggerFactory = null!;

    [SetUp]
    public void SetUp()
    {
        _logs = new FakeLogCollector();
        _loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(_logs)));
    }

    [TearDown]
    public void TearDown() => _loggerFactory.Dispose();

    [Test]
    public async Task A_failing_sink_is_logged_with_the_alert_and_the_other_sinks_still_get_it()
    {
        var first = new RecordingAlertSink();
        var last = new RecordingAlertSink();
        var dispatcher = new SafetyAlertDispatcher([first, new ThrowingSink(), last], _loggerFactory);

        dispatcher.Enqueue(Alert);
        await last.WaitForAsync(1);
        await dispatcher.DisposeAsync();

        Assert.That(first.Alerts, Is.EqualTo(new[] { Alert }));
        Assert.That(last.Alerts, Is.EqualTo(new[] { Alert }));
        var error = _logs.GetSnapshot().Single(r => r.Id.Id == 3202);
        Assert.That(error.Level, Is.EqualTo(LogLevel.Error));
        Assert.That(error.Exception, Is.TypeOf<InvalidOperationException>());
        var state = error.StructuredState!.ToDictionary(p => p.Key, p => p.Value);
        Assert.That(state["Rule"], Is.EqualTo(AnomalyRules.RepeatedInjection));
        Assert.That(state["Subject"], Is.EqualTo("user-key"));
        Assert.That(state["Sink"], Does.EndWith(nameof(ThrowingSink)));
    }

    [Test]
    public async Task A_full_queue_logs_each_alert_it_cannot_take_at_error_level_and_never_drops_silently()
    {
        var blocked = new BlockingSink();
        var dispatcher = new SafetyAlertDispatcher([blocked], _loggerFactory);
        var sent = SafetyAlertDispatcher.Capacity + 5;

        for (var i = 0; i < sent; i++)
        {
            dispatcher.Enqueue(Alert with { Observed = i });
        }

        blocked.Release();
        await dispatcher.DisposeAsync();

        var dropped = _logs.GetSnapshot().Where(r => r.Id.Id == 3203).ToArray();
        Assert.That(dropped, Is.Not.Empty);
        Assert.That(dropped.Select(r => r.Level), Is.All.EqualTo(LogLevel.Error));
        Assert.That(dropped[0].Message, Does.Contain("queue is full").And.Contain(AnomalyRules.RepeatedInjection));
        Assert.That(blocked.Delivered + dropped.Length, Is.EqualTo(sent), "every alert is either delivered or logged");
    }

    [Test]
    public async Task Disposal_delivers_what_is_queued_and_an_alert_after_it_is_logged()
    {
        var slow = new RecordingAlertSink();
        var dispatcher = new SafetyAlertDispatcher([new DelayingSink(), slow], _loggerFactory);
        for (var i = 0; i < 5; i++)
        {
            dispatcher.Enqueue(Alert with { Observed = i });
        }

        await dispatcher.DisposeAsync();
        dispatcher.Enqueue(Alert);
        dispatcher.Dispose();

        Assert.That(slow.Alerts.Select(a => a.Observed), Is.EqualTo(new[] { 0.0, 1, 2, 3, 4 }));
        Assert.That(_logs.GetSnapshot().Single(r => r.Id.Id == 3203).Message, Does.Contain("disposed"));
    }

    [Test]
    public async Task The_logger_sink_writes_one_structured_warning_per_alert()
    {
        var sink = new LoggerSafetyAlertSink(_loggerFactory);

        await sink.PublishAsync(Alert, CancellationToken.None);

        var record = _logs.GetSnapshot().Single();
        Assert.That(record.Id.Id, Is.EqualTo(3201));
        Assert.That(record.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(record.Category, Is.EqualTo("SafeOpenAI.Anomaly"));
        var state = record.StructuredState!.ToDictionary(p => p.Key, p => p.Value);
        Assert.That(state["Rule"], Is.EqualTo(AnomalyRules.RepeatedInjection));
        Assert.That(state["Scope"], Is.EqualTo("User"));
        Assert.That(state["Subject"], Is.EqualTo("user-key"));
        Assert.That(state["Observed"], Is.EqualTo("3"));
        Assert.That(state["WindowSeconds"], Is.EqualTo("3600"));
        Assert.That(record.Message, Does.Contain("2026-03-02T11:00:00.0000000+00:00"));
    }

    private sealed class ThrowingSink : ISafetyAlertSink
    {
        public ValueTask PublishAsync(SafetyAlert alert, CancellationToken cancellationToken) => throw new InvalidOperationException("pager down");
    }

    private sealed class DelayingSink : ISafetyAlertSink
    {
        public async ValueTask PublishAsync(SafetyAlert alert, CancellationToken cancellationToken) => await Task.Yield();
    }

    private sealed class BlockingSink : ISafetyAlertSink
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _delivered;

        public int Delivered => Volatile.Read(ref _delivered);

        public void Release() => _release.TrySetResult();

        public async ValueTask PublishAsync(SafetyAlert alert, CancellationToken cancellationToken)
        {
            await _release.Task.WaitAsync(cancellationToken);
            Interlocked.Increment(ref _delivered);
        }
    }
}
