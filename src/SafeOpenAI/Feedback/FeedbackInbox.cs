using System.Diagnostics.Metrics;
using System.Security.Claims;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SafeOpenAI;

/// <summary>
/// The default <see cref="IFeedbackSink"/>, and the reviewers' side of feedback: list, open (next to
/// the call's audit record and review) and triage reports. Comments are encrypted at rest; reviewer
/// reads need the <see cref="IReviewerAuthorization"/> and are written to the <see cref="IReviewAccessLog"/>.
/// </summary>
/// <remarks>
/// <para>
/// A report is stored first (comment protected by <see cref="AuditContentProtector"/> with the report
/// id and the field name as associated data), then counted in <see cref="SafeOpenAITelemetry.FeedbackReportsMetric"/>,
/// then given to the <see cref="AnomalyMonitor"/> (<see cref="AnomalyRules.FeedbackSpike"/>). A fault
/// of the monitor is logged (error, event id 3501) and never loses or fails the stored report.
/// </para>
/// <para>
/// Reviewer methods ask the <see cref="IReviewerAuthorization"/> with no review (the principal must be
/// a reviewer), and, when the reported answer was held for human review (its
/// <see cref="AuditRecord.ReviewId"/>), again with that review's summary, so a rule such as "no one
/// reviews their own request" applies to feedback about that answer too. A refusal is written to the
/// access log (<see cref="ReviewAccessAction.Denied"/>) before <see cref="ReviewAccessDeniedException"/>
/// is thrown; a read is logged (<see cref="ReviewAccessAction.Read"/>) before the comment is decrypted,
/// and a triage (<see cref="ReviewAccessAction.Triaged"/>) before it is written, so nothing a
/// reviewer sees or does goes unlogged. Refused listings are logged under <see cref="InboxSubjectId"/>.
/// </para>
/// <para>Thread-safe; triage is compare-and-set on <see cref="FeedbackEntry.Version"/>, so it is safe across processes sharing a durable store.</para>
/// </remarks>
public sealed partial class FeedbackInbox : IFeedbackSink
{
    /// <summary>The access-log subject of the inbox as a whole, under which refused listings are logged: <c>feedback</c>.</summary>
    public const string InboxSubjectId = "feedback";

    /// <summary>The name of the metric attribute that carries the category: <c>safeopenai.feedback.category</c>.</summary>
    internal const string CategoryAttribute = "safeopenai.feedback.category";


    /// <summary>How often a triage is retried when another change lands between its read and its write.</summary>
    private const int MaxTriageAttempts = 100;

    // Indexed by FeedbackCategory; lowercase snake case like every other metric attribute value.
    private static readonly string[] s_categoryNames = ["harmful", "wrong", "privacy", "off_topic", "other"];

    private readonly IFeedbackStore _store;
    private readonly IReviewAccessLog _accessLog;
    private readonly ReviewerGate _gate;
    private readonly AuditContentProtector _protector;
    private readonly TimeProvider _timeProvider;
    private readonly IAuditRecordReader? _auditReader;
    private readonly IHumanReviewQueue? _reviews;
    private readonly AnomalyMonitor? _anomalyMonitor;
    private readonly Counter<long>? _reports;
    private readonly ILogger _logger;

    /// <summary>Creates the inbox.</summary>
    /// <param name="store">Where reports live.</param>
    /// <param name="accessLog">Where reviewer reads and triage are logged.</param>
    /// <param name="authorization">Who may triage.</param>
    /// <param name="protector">Encrypts comments and notes at rest.</param>
    /// <param name="timeProvider">The clock of receipts, triages and access-log entries.</param>
    /// <param name="auditReader">Reads the reported call's audit record, or <see langword="null"/>; when given, a report about an unknown audit id is refused.</param>
    /// <param name="reviews">Finds the review that held the reported answer, or <see langword="null"/>.</param>
    /// <param name="anomalyMonitor">Is told of every report (the feedback-spike rule), or <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the <c>SafeOpenAI</c> meter for <c>safeopenai.feedback.reports</c>, or <see langword="null"/> for no metrics.</param>
    /// <param name="loggerFactory">Creates the <c>SafeOpenAI.Feedback</c> logger (ids only, never comments), or <see langword="null"/> for none.</param>
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
        IMeterFactory? meterFactory = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(accessLog);
        ArgumentNullException.ThrowIfNull(authorization);
        ArgumentNullException.ThrowIfNull(protector);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _store = store;
        _accessLog = accessLog;
        _protector = protector;
        _timeProvider = timeProvider;
        _auditReader = auditReader;
        _reviews = reviews;
        _anomalyMonitor = anomalyMonitor;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("SafeOpenAI.Feedback");
        _gate = new ReviewerGate(authorization, accessLog, timeProvider, _logger);

        // Same name and version as the pipeline's meter, so the factory hands out the one SafeOpenAI meter.
        var meter = meterFactory?.Create(new MeterOptions(SafeOpenAITelemetry.SourceName) { Version = typeof(FeedbackInbox).Assembly.GetName().Version?.ToString() });
        _reports = meter?.CreateCounter<long>(SafeOpenAITelemetry.FeedbackReportsMetric, "{report}", "User feedback reports about answers, by category.");
    }

    /// <inheritdoc />
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the report was stored.</exception>
    public async Task<FeedbackReceipt> ReportAsync(FeedbackReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (_auditReader is not null
            && await _auditReader.GetAsync(report.AuditId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new ReviewNotFoundException(report.AuditId);
        }

        var reportId = Guid.NewGuid().ToString("N");
        var now = _timeProvider.GetUtcNow();
        var entry = new FeedbackEntry(
            reportId,
            report.AuditId,
            report.Category,
            report.Comment is null ? null : _protector.Protect(report.Comment, ProtectedField.Of(reportId, ProtectedField.Comment)),
            report.ReporterSafetyIdentifier,
            now,
            FeedbackTriageStatus.Open,
            TriagedBy: null,
            TriagedAt: null,
            ProtectedTriageNote: null,
            Version: 1);
        await _store.AddAsync(entry, cancellationToken).ConfigureAwait(false);

        // From here on the report is durable: nothing below may fail it, or the caller would send it again.
        _reports?.Add(1, new KeyValuePair<string, object?>(CategoryAttribute, s_categoryNames[(int)report.Category]));
        if (_anomalyMonitor is not null)
        {
            try
            {
                // Not the caller's token: a caller who hangs up now must not cost the report its observation.
                await _anomalyMonitor.ObserveFeedbackAsync(report.AuditId, report.ReporterSafetyIdentifier, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogAnomalyObservationFailed(_logger, ex, reportId, report.AuditId);
            }
        }

        return new FeedbackReceipt(reportId, now);
    }

    /// <summary>Lists reports for a reviewer, newest first. Shows no comments, so the listing is not logged as a read.</summary>
    /// <param name="reviewer">The signed-in reviewer.</param>
    /// <param name="query">The filter, or <see langword="null"/> for the open reports (at most 100).</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The stored entries (comments still protected).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reviewer"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="FeedbackQuery.Limit"/> is not between 1 and <see cref="FeedbackQuery.MaxLimit"/>.</exception>
    /// <exception cref="ReviewAccessDeniedException">The principal is not a reviewer (the refusal is logged under <see cref="InboxSubjectId"/>).</exception>
    public async Task<IReadOnlyList<FeedbackEntry>> ListAsync(ClaimsPrincipal reviewer, FeedbackQuery? query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        query ??= new FeedbackQuery();
        FeedbackQuery.Validate(query);
        await AuthorizeAsync(reviewer, review: null, InboxSubjectId, deniedSubjectId: null, cancellationToken).ConfigureAwait(false);
        return await _store.ListAsync(query, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens a report next to the call's audit record and review, decrypting its comment; the read is logged.</summary>
    /// <param name="reviewer">The signed-in reviewer.</param>
    /// <param name="reportId">The report id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The case. Its <see cref="FeedbackCase.Review"/> is <see langword="null"/> as well when the audit record names a review the queue no longer holds (logged as a warning, event id 3502).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reviewer"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="reportId"/> is null or empty.</exception>
    /// <exception cref="ReviewNotFoundException">There is no such report.</exception>
    /// <exception cref="ReviewAccessDeniedException">The principal is not a reviewer, or may not see the review that held the answer.</exception>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The comment or note was protected under another key, or altered.</exception>
    public async Task<FeedbackCase> OpenAsync(ClaimsPrincipal reviewer, string reportId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        ArgumentException.ThrowIfNullOrEmpty(reportId);
        var name = await AuthorizeAsync(reviewer, review: null, reportId, reportId, cancellationToken).ConfigureAwait(false);
        var (entry, record, review) = await LoadAsync(reportId, cancellationToken).ConfigureAwait(false);
        if (review is not null)
        {
            await AuthorizeAsync(reviewer, review, reportId, reportId, cancellationToken).ConfigureAwait(false);
        }

        await AppendAsync(reportId, name, ReviewAccessAction.Read, cancellationToken).ConfigureAwait(false);
        return new FeedbackCase(
            entry,
            entry.ProtectedComment is null ? null : _protector.Unprotect(entry.ProtectedComment, ProtectedField.Of(reportId, ProtectedField.Comment)),
            entry.ProtectedTriageNote is null ? null : _protector.Unprotect(entry.ProtectedTriageNote, ProtectedField.Of(reportId, ProtectedField.Note)),
            record,
            review);
    }

    /// <summary>
    /// Triages a report: confirmed or dismissed, with a note; the action is logged before it is written.
    /// A triaged report may be triaged again: the latest triage stands, and each one is in the access log.
    /// </summary>
    /// <param name="reviewer">The signed-in reviewer.</param>
    /// <param name="reportId">The report id.</param>
    /// <param name="status"><see cref="FeedbackTriageStatus.Confirmed"/> or <see cref="FeedbackTriageStatus.Dismissed"/>.</param>
    /// <param name="note">A note, or <see langword="null"/>; at most <see cref="FeedbackReport.MaxCommentCharacters"/> characters. Stored encrypted.</param>
    /// <param name="cancellationToken">Cancels the triage.</param>
    /// <returns>The updated entry.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reviewer"/> is null.</exception>
    /// <exception cref="ReviewNotFoundException">There is no such report.</exception>
    /// <exception cref="ReviewAccessDeniedException">The principal is not a reviewer, or may not see the review that held the answer.</exception>
    /// <exception cref="ArgumentException"><paramref name="reportId"/> is null or empty, <paramref name="status"/> is <see cref="FeedbackTriageStatus.Open"/> or not defined, the note is too long.</exception>
    /// <exception cref="InvalidOperationException">The report kept changing under the triage (100 attempts); nothing was written.</exception>
    public async Task<FeedbackEntry> TriageAsync(ClaimsPrincipal reviewer, string reportId, FeedbackTriageStatus status, string? note, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        ArgumentException.ThrowIfNullOrEmpty(reportId);
        if (status is not (FeedbackTriageStatus.Confirmed or FeedbackTriageStatus.Dismissed))
        {
            throw new ArgumentException($"A report is triaged as Confirmed or Dismissed, not as {status}.", nameof(status));
        }

        if (note is { Length: > FeedbackReport.MaxCommentCharacters })
        {
            throw new ArgumentException($"The triage note is {note.Length} characters long; the limit is {FeedbackReport.MaxCommentCharacters}.", nameof(note));
        }

        var name = await AuthorizeAsync(reviewer, review: null, reportId, reportId, cancellationToken).ConfigureAwait(false);
        var (entry, _, review) = await LoadAsync(reportId, cancellationToken).ConfigureAwait(false);
        if (review is not null)
        {
            await AuthorizeAsync(reviewer, review, reportId, reportId, cancellationToken).ConfigureAwait(false);
        }

        var protectedNote = string.IsNullOrWhiteSpace(note) ? null : _protector.Protect(note, ProtectedField.Of(reportId, ProtectedField.Note));
        var now = _timeProvider.GetUtcNow();
        await AppendAsync(reportId, name, ReviewAccessAction.Triaged, cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; attempt < MaxTriageAttempts; attempt++)
        {
            var updated = entry with
            {
                Triage = status,
                TriagedBy = name,
                TriagedAt = now,
                ProtectedTriageNote = protectedNote,
                Version = entry.Version + 1,
            };
            if (await _store.TryReplaceAsync(updated, entry.Version, cancellationToken).ConfigureAwait(false))
            {
                return updated;
            }

            entry = await _store.GetAsync(reportId, cancellationToken).ConfigureAwait(false) ?? throw new ReviewNotFoundException(reportId);
        }

        throw new InvalidOperationException($"Feedback report '{reportId}' changed {MaxTriageAttempts} times while it was being triaged; nothing was written. Try again.");
    }

    /// <summary>Lists the access log of one report, oldest first. Reading the log (names and ids only) is not itself logged.</summary>
    /// <param name="reviewer">The signed-in reviewer.</param>
    /// <param name="reportId">The report id, or <see cref="InboxSubjectId"/> for the refused listings.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The entries.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reviewer"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="reportId"/> is null or empty.</exception>
    /// <exception cref="ReviewNotFoundException">There is no such report.</exception>
    /// <exception cref="ReviewAccessDeniedException">The principal is not a reviewer.</exception>
    public async Task<IReadOnlyList<ReviewAccessEntry>> GetAccessLogAsync(ClaimsPrincipal reviewer, string reportId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        ArgumentException.ThrowIfNullOrEmpty(reportId);
        await AuthorizeAsync(reviewer, review: null, reportId, reportId, cancellationToken).ConfigureAwait(false);

        // Only feedback subjects: this door must not read the logs of held answers.
        if (!string.Equals(reportId, InboxSubjectId, StringComparison.Ordinal)
            && await _store.GetAsync(reportId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new ReviewNotFoundException(reportId);
        }

        return await _accessLog.ListAsync(reportId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Admits a reviewer or logs and throws the refusal; returns the admitted principal's name.</summary>
    private Task<string> AuthorizeAsync(ClaimsPrincipal reviewer, ReviewSummary? review, string logSubjectId, string? deniedSubjectId, CancellationToken cancellationToken) =>
        _gate.AdmitAsync(reviewer, review, logSubjectId, deniedSubjectId, cancellationToken);

    /// <summary>Reads a report, the reported call's audit record and the review that held its answer.</summary>
    private async Task<(FeedbackEntry Entry, AuditRecord? Record, ReviewSummary? Review)> LoadAsync(string reportId, CancellationToken cancellationToken)
    {
        var entry = await _store.GetAsync(reportId, cancellationToken).ConfigureAwait(false) ?? throw new ReviewNotFoundException(reportId);
        var record = _auditReader is null ? null : await _auditReader.GetAsync(entry.AuditId, cancellationToken).ConfigureAwait(false);
        ReviewSummary? review = null;
        if (record?.ReviewId is { } reviewId && _reviews is not null)
        {
            try
            {
                review = await _reviews.GetSummaryAsync(reviewId, cancellationToken).ConfigureAwait(false);
            }
            catch (ReviewNotFoundException)
            {
                // An in-memory queue forgets its reviews on restart; the report stays readable without it.
                LogHeldReviewMissing(_logger, reportId, reviewId);
            }
        }

        return (entry, record, review);
    }

    private Task AppendAsync(string subjectId, string principal, ReviewAccessAction action, CancellationToken cancellationToken) =>
        _gate.LogAsync(subjectId, principal, action, cancellationToken);

    [LoggerMessage(EventId = 3501, EventName = "FeedbackAnomalyObservationFailed", Level = LogLevel.Error,
        Message = "Feedback report {ReportId} about call {AuditId} is stored, but the anomaly monitor could not observe it.")]
    private static partial void LogAnomalyObservationFailed(ILogger logger, Exception exception, string reportId, string auditId);

    [LoggerMessage(EventId = 3502, EventName = "FeedbackHeldReviewMissing", Level = LogLevel.Warning,
        Message = "Feedback report {ReportId}: the reported call was held in review {ReviewId}, which the review queue no longer holds; the report is shown without it.")]
    private static partial void LogHeldReviewMissing(ILogger logger, string reportId, string reviewId);
}
