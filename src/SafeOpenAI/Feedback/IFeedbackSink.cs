namespace SafeOpenAI;

/// <summary>
/// Takes end users' reports about answers ("Report this answer"). The default,
/// <see cref="FeedbackInbox"/>, stores each report (comment encrypted), counts it in the
/// <c>safeopenai.feedback.reports</c> metric, feeds it to the <see cref="AnomalyMonitor"/> and
/// queues it for reviewers to triage next to the call's audit record.
/// </summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface IFeedbackSink
{
    /// <summary>Stores one report; returns once it is durable.</summary>
    /// <param name="report">The report.</param>
    /// <param name="cancellationToken">Cancels the report.</param>
    /// <returns>The receipt with the report's id.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is null.</exception>
    /// <exception cref="ReviewNotFoundException">An audit store is registered (<see cref="IAuditRecordReader"/>) and holds no call with the report's audit id.</exception>
    Task<FeedbackReceipt> ReportAsync(FeedbackReport report, CancellationToken cancellationToken);
}
