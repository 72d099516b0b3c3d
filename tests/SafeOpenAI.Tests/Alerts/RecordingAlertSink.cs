using System.Collections.Concurrent;

namespace SafeOpenAI.Tests.Alerts;

/// <summary>Collects every alert it is given; <see cref="WaitForAsync"/> waits for a number of them.</summary>
internal sealed class RecordingAlertSink : ISafetyAlertSink
{
    private readonly ConcurrentQueue<SafetyAlert> _alerts = new();
    private readonly SemaphoreSlim _arrived = new(0);

    public IReadOnlyList<SafetyAlert> Alerts => _alerts.ToArray();

    public ValueTask PublishAsync(SafetyAlert alert, CancellationToken cancellationToken)
    {
        _alerts.Enqueue(alert);
        _arrived.Release();
        return ValueTask.CompletedTask;
    }

    /// <summary>Waits until <paramref name="count"/> alerts have arrived in all; fails the test after 30 seconds (a hang guard, not a timing assertion).</summary>
    public async Task WaitForAsync(int count)
    {
        while (_alerts.Count < count)
        {
            if (!await _arrived.WaitAsync(TimeSpan.FromSeconds(30)))
            {
                Assert.Fail($"Expected {count} alerts, got {_alerts.Count}.");
            }
        }
    }
}
