using System.Diagnostics.Metrics;
using System.Security.Claims;

namespace SafeOpenAI;

/// <summary>
/// The default <see cref="IFeedbackSink"/>, and the reviewers' side of feedback: list, open (next to
/// the call's audit record and review) and triage reports. Comments are encrypted at rest; reviewer
/// reads need the <see cref="IReviewerAuthorization"/> and are written to the <see cref="IReviewAccessLog"/>.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class FeedbackInbox : IFeedbackSink
{
    /// <summary>Creates the inbox.</summary>
    /// <param name="store">Where reports live.</param>
    /// <param name="accessLog">Where reviewer reads and triage are logged.</param>
    /// <param name="authorization">Who may triage.</param>
    /// <param name="protector">Encrypts comments and notes at rest.</param>
    /// <param name="timeProvider">The clock of receipts.</param>
    /// <param name="auditReader">Reads the reported call's audit record, or <see langword="null"/>.</param>
    /// <param name="reviews">Finds the review that held the reported answer, or <see langword="null"/>.</param>
    /// <param name="anomalyMonitor">Is told of every report (the feedback-spike rule), or <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the <c>SafeOpenAI</c> meter for <c>safeopenai.feedback.reports</c>, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    public FeedbackInbox(
        IFeedbackStore store,
        IReviewAccessLog accessLog,
        IReviewerAuthorization authorization,
        AuditContentProtector protector,
        TimeProvider timeProvider,
        IAuditRecordReader? auditReader = null,
        IHumanReviewQueue? reviews = null,
        AnomalyMonitor? anomalyMonitor = null,
        IMeterFactory? meterFactory = null)
    {
        throw new NotImplementedException();
    }

    /// <inheritdoc />
    public Task<FeedbackReceipt> ReportAsync(FeedbackReport report, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Lists reports for a reviewer, newest first. Shows no comments.</summary>
    /// <param name="reviewer">The signed-in reviewer.</param>
    /// <param name="query">The filter, or <see langword="null"/> for the open reports.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The stored entries (comments still protected).</returns>
    /// <exception cref="ReviewAccessDeniedException">The principal is not a reviewer.</exception>
    public Task<IReadOnlyList<FeedbackEntry>> ListAsync(ClaimsPrincipal reviewer, FeedbackQuery? query, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Opens a report next to the call's audit record and review, decrypting its comment; the read is logged.</summary>
    /// <param name="reviewer">The signed-in reviewer.</param>
    /// <param name="reportId">The report id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The case.</returns>
    /// <exception cref="ReviewNotFoundException">There is no such report.</exception>
    /// <exception cref="ReviewAccessDeniedException">The principal is not a reviewer.</exception>
    public Task<FeedbackCase> OpenAsync(ClaimsPrincipal reviewer, string reportId, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Triages a report: confirmed or dismissed, with a note; the action is logged.</summary>
    /// <param name="reviewer">The signed-in reviewer.</param>
    /// <param name="reportId">The report id.</param>
    /// <param name="status"><see cref="FeedbackTriageStatus.Confirmed"/> or <see cref="FeedbackTriageStatus.Dismissed"/>.</param>
    /// <param name="note">A note, or <see langword="null"/>; at most <see cref="FeedbackReport.MaxCommentCharacters"/> characters.</param>
    /// <param name="cancellationToken">Cancels the triage.</param>
    /// <returns>The updated entry.</returns>
    /// <exception cref="ReviewNotFoundException">There is no such report.</exception>
    /// <exception cref="ReviewAccessDeniedException">The principal is not a reviewer.</exception>
    /// <exception cref="ArgumentException"><paramref name="status"/> is <see cref="FeedbackTriageStatus.Open"/>, or the note is too long.</exception>
    public Task<FeedbackEntry> TriageAsync(ClaimsPrincipal reviewer, string reportId, FeedbackTriageStatus status, string? note, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Lists the access log of one report, oldest first.</summary>
    /// <param name="reviewer">The signed-in reviewer.</param>
    /// <param name="reportId">The report id.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The entries.</returns>
    /// <exception cref="ReviewAccessDeniedException">The principal is not a reviewer.</exception>
    public Task<IReadOnlyList<ReviewAccessEntry>> GetAccessLogAsync(ClaimsPrincipal reviewer, string reportId, CancellationToken cancellationToken) => throw new NotImplementedException();
}
