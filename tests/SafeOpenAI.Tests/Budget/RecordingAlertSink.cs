using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;

namespace SafeOpenAI.Tests.Budget;

/// <summary>An alert sink that keeps every alert it receives.</summary>
internal sealed class RecordingAlertSink : IBudgetAlertSink
{
    private readonly ConcurrentQueue<BudgetAlert> _alerts = new();

    public IReadOnlyList<BudgetAlert> Alerts => [.. _alerts];

    public BudgetAlertDispatcher Dispatcher() => new([this], NullLoggerFactory.Instance);

    public ValueTask PublishAsync(BudgetAlert alert, CancellationToken cancellationToken)
    {
        _alerts.Enqueue(alert);
        return ValueTask.CompletedTask;
    }
}
