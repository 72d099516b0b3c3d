using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SafeOpenAI;

/// <summary>
/// The sweep of review deadlines in the application's host: at start and then every
/// <see cref="Interval"/> on the container's <see cref="TimeProvider"/>, it calls
/// <see cref="IHumanReviewQueue.EnforceDeadlinesAsync"/>, so that overdue reviews are rejected or
/// escalated (and their alerts raised) even when nobody touches them. A failed sweep is logged
/// (event id 3406, <c>SafeOpenAI.Review</c>) and the next tick tries again: the service never dies
/// of a store outage. Registered by <c>UseHumanReview()</c>.
/// </summary>
internal sealed partial class ReviewDeadlineService : BackgroundService
{
    /// <summary>How often the sweep runs: every minute.</summary>
    internal static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly IHumanReviewQueue _queue;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ReviewDeadlineService(IHumanReviewQueue queue, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _queue = queue;
        _time = timeProvider;
        _logger = loggerFactory.CreateLogger("SafeOpenAI.Review");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        try
        {
            do
            {
                try
                {
                    var changed = await _queue.EnforceDeadlinesAsync(stoppingToken).ConfigureAwait(false);
                    if (changed > 0)
                    {
                        LogSwept(_logger, changed);
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // A failed sweep (a store outage, a lost race) must not stop the next one; it is logged with its exception.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogSweepFailed(_logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    [LoggerMessage(EventId = 3406, EventName = "ReviewDeadlineSweepFailed", Level = LogLevel.Error,
        Message = "The sweep of human review deadlines failed; it runs again in a minute.")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3407, EventName = "ReviewDeadlinesApplied", Level = LogLevel.Debug,
        Message = "The sweep of human review deadlines rejected or escalated {Count} reviews.")]
    private static partial void LogSwept(ILogger logger, int count);
}
