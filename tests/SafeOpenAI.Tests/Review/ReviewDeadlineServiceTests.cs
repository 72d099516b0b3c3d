using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace SafeOpenAI.Tests.Review;

/// <summary>The hosted sweep of review deadlines: at start, every minute on the clock, and on after a failed sweep.</summary>
public class ReviewDeadlineServiceTests
{
    [Test]
    public async Task The_sweep_runs_at_start_then_every_minute_and_survives_a_failure()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var sweeps = new[] { new TaskCompletionSource(), new TaskCompletionSource(), new TaskCompletionSource() };
        var calls = 0;
        var queue = new Mock<IHumanReviewQueue>(MockBehavior.Strict);
        queue.Setup(q => q.EnforceDeadlinesAsync(It.IsAny<CancellationToken>())).Returns(() =>
        {
            var call = Interlocked.Increment(ref calls);
            sweeps[Math.Min(call, sweeps.Length) - 1].TrySetResult();
            // The second sweep fails like a store outage; the service must tick on.
            return call == 2 ? Task.FromException<int>(new IOException("store unavailable")) : Task.FromResult(1);
        });
        var logs = new CountingLoggerFactory();
        using var service = new ReviewDeadlineService(queue.Object, time, logs);

        await service.StartAsync(CancellationToken.None);
        await sweeps[0].Task.WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(59));
        var beforeAMinute = calls;
        time.Advance(TimeSpan.FromSeconds(1));
        await sweeps[1].Task.WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromMinutes(1));
        await sweeps[2].Task.WaitAsync(TimeSpan.FromSeconds(30));
        await service.StopAsync(CancellationToken.None);

        Assert.That(beforeAMinute, Is.EqualTo(1));
        Assert.That(calls, Is.EqualTo(3));
        Assert.That(logs.Errors, Is.EqualTo(1), "the failed sweep is logged");
        Assert.That(service.ExecuteTask!.IsCompletedSuccessfully, Is.True, "the service stopped cleanly, not by a fault");
    }

    /// <summary>Counts error-level entries; everything else goes nowhere.</summary>
    private sealed class CountingLoggerFactory : ILoggerFactory, ILogger
    {
        private int _errors;

        public int Errors => Volatile.Read(ref _errors);

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Error && eventId.Id == 3406 && exception is IOException)
            {
                Interlocked.Increment(ref _errors);
            }
        }
    }
}
