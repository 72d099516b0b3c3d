using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace SafeOpenAI;

/// <summary>
/// Delivers <see cref="SafetyAlert"/>s to every <see cref="ISafetyAlertSink"/>, off the call path:
/// <see cref="Enqueue"/> puts the alert on a bounded queue (<see cref="Capacity"/> alerts) and
/// returns at once; one background loop hands each alert to every sink in registration order.
/// </summary>
/// <remarks>
/// <para>
/// Nothing passes unseen: a sink that throws is logged (error, event id 3202,
/// <c>SafetyAlertDeliveryFailed</c>, with the alert's rule, subject, observed value and threshold)
/// and the other sinks still get the alert; an alert that finds the queue full, or arrives after
/// disposal, is logged (error, event id 3203, <c>SafetyAlertDropped</c>) with the same fields.
/// </para>
/// <para>
/// Disposal drains: it stops taking alerts, lets the loop deliver what is queued for up to
/// <see cref="DrainTimeout"/>, then cancels the sinks' deliveries. The container disposes it when
/// the host stops. Thread-safe.
/// </para>
/// </remarks>
public sealed partial class SafetyAlertDispatcher : IAsyncDisposable, IDisposable
{
    /// <summary>The most alerts waiting for delivery: 1,024. Alerts are rare (each rule alerts once per window per subject), so a full queue means the sinks are stuck.</summary>
    public const int Capacity = 1024;

    /// <summary>How long disposal waits for queued alerts to be delivered: 10 seconds.</summary>
    public static TimeSpan DrainTimeout { get; } = TimeSpan.FromSeconds(10);

    private readonly ISafetyAlertSink[] _sinks;
    private readonly ILogger _logger;
    private readonly Channel<SafetyAlert> _queue = Channel.CreateBounded<SafetyAlert>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private int _disposed;

    /// <summary>Creates a dispatcher and starts its delivery loop.</summary>
    /// <param name="sinks">The sinks; copied.</param>
    /// <param name="loggerFactory">Creates the <c>SafeOpenAI.Anomaly</c> logger for delivery failures and drops.</param>
    /// <exception cref="ArgumentNullException">An argument is null, or a sink is null.</exception>
    public SafetyAlertDispatcher(IEnumerable<ISafetyAlertSink> sinks, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _sinks = [.. sinks];
        if (Array.Exists(_sinks, s => s is null))
        {
            throw new ArgumentNullException(nameof(sinks), "A safety alert sink is null.");
        }

        _logger = loggerFactory.CreateLogger("SafeOpenAI.Anomaly");
        _loop = Task.Run(DeliverAsync);
    }

    /// <summary>Queues one alert for delivery and returns at once; a full queue or a disposed dispatcher logs the alert at error level instead.</summary>
    /// <param name="alert">The alert.</param>
    /// <exception cref="ArgumentNullException"><paramref name="alert"/> is null.</exception>
    public void Enqueue(SafetyAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (!_queue.Writer.TryWrite(alert))
        {
            LogDropped(_logger, Volatile.Read(ref _disposed) == 1 ? "the dispatcher is disposed" : "the queue is full", alert.Rule, alert.Subject, alert.Observed, alert.Threshold, alert.SuspendedUntil);
        }
    }

    /// <summary>Stops taking alerts and waits up to <see cref="DrainTimeout"/> for the queued ones to be delivered.</summary>
    /// <returns>A task that completes when the loop has ended.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _queue.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(DrainTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    /// <summary>Disposes like <see cref="DisposeAsync"/>, blocking the calling thread.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task DeliverAsync()
    {
        var token = _stopping.Token;
        await foreach (var alert in _queue.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            foreach (var sink in _sinks)
            {
                if (token.IsCancellationRequested)
                {
                    LogDropped(_logger, "the host stopped before it was delivered", alert.Rule, alert.Subject, alert.Observed, alert.Threshold, alert.SuspendedUntil);
                    break;
                }

                try
                {
                    await sink.PublishAsync(alert, token).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    LogDeliveryFailed(_logger, ex, sink.GetType().FullName, alert.Rule, alert.Subject, alert.Observed, alert.Threshold, alert.SuspendedUntil);
                }
            }
        }
    }

    [LoggerMessage(EventId = 3202, EventName = "SafetyAlertDeliveryFailed", Level = LogLevel.Error,
        Message = "Safety alert sink {Sink} failed to deliver the alert {Rule} about {Subject}: observed {Observed}, threshold {Threshold}, suspended until {SuspendedUntil:o}.")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, string? sink, string rule, string? subject, double observed, double threshold, DateTimeOffset? suspendedUntil);

    [LoggerMessage(EventId = 3203, EventName = "SafetyAlertDropped", Level = LogLevel.Error,
        Message = "Safety alert {Rule} about {Subject} was not delivered because {Reason}: observed {Observed}, threshold {Threshold}, suspended until {SuspendedUntil:o}.")]
    private static partial void LogDropped(ILogger logger, string reason, string rule, string? subject, double observed, double threshold, DateTimeOffset? suspendedUntil);
}
