using Microsoft.Extensions.Logging;

namespace SafeOpenAI;

/// <summary>
/// Watches every call's <see cref="AuditRecord"/> and every user feedback report, evaluates the
/// anomaly rules over sliding windows, raises <see cref="SafetyAlert"/>s and suspends abusive users
/// through the <see cref="IUserAccessPolicy"/>.
/// </summary>
public sealed partial class AnomalyMonitor
{
    /// <summary>Creates a monitor.</summary>
    /// <param name="options">The options.</param>
    /// <param name="accessPolicy">Where suspensions are written.</param>
    /// <param name="alerts">Delivers alerts to the sinks.</param>
    /// <param name="timeProvider">The clock of the sliding windows.</param>
    /// <param name="loggerFactory">Creates the <c>SafeOpenAI.Anomaly</c> logger.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public AnomalyMonitor(AnomalyOptions options, IUserAccessPolicy accessPolicy, SafetyAlertDispatcher alerts, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(accessPolicy);
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        throw new NotImplementedException();
    }

    /// <summary>Observes one finished call.</summary>
    /// <param name="record">The call's audit record.</param>
    /// <param name="cancellationToken">Cancels the observation.</param>
    /// <returns>A task that completes when the rules were evaluated and any suspension written.</returns>
    public ValueTask ObserveAsync(AuditRecord record, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Observes one user feedback report about an answer.</summary>
    /// <param name="auditId">The audit id of the reported answer.</param>
    /// <param name="reporterUserKey">The reporter's user key, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the observation.</param>
    /// <returns>A task that completes when the rules were evaluated.</returns>
    public ValueTask ObserveFeedbackAsync(string auditId, string? reporterUserKey, CancellationToken cancellationToken) => throw new NotImplementedException();
}
