using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Claims;
using Microsoft.Extensions.Logging;

namespace SafeOpenAI;

/// <summary>
/// The <see cref="IHumanReviewQueue"/> over any <see cref="IReviewStore"/>: it applies every rule
/// (reviewer authorization, claims, deadlines, encryption at rest, the access log, alerts and
/// metrics), so that an in-memory and a SQLite store behave the same.
/// </summary>
/// <remarks>
/// <para>
/// At rest, a review holds in the clear only ids, codes, names and times (<see cref="ReviewSummary"/>);
/// the material (as JSON), the released answer and the note are protected by the
/// <see cref="AuditContentProtector"/> with the review id and the field name as associated data. Review ids are
/// <see cref="Guid"/>s formatted <c>N</c> (32 lowercase hexadecimal characters).
/// </para>
/// <para>
/// Reviewer methods ask the <see cref="IReviewerAuthorization"/> before anything else; a principal
/// without a name (<c>ClaimsPrincipal.Identity.Name</c>) is refused whatever it says, since the
/// access log must name who read. A refusal appends a <see cref="ReviewAccessAction.Denied"/> entry
/// (subject <see cref="QueueSubject"/> when no single review was asked for) and then throws
/// <see cref="ReviewAccessDeniedException"/>. <see cref="OpenAsync"/> appends its
/// <see cref="ReviewAccessAction.Read"/> entry before it returns the material: if the append throws,
/// nothing is shown. A claim or a decision is written to the review first (which names the reviewer)
/// and then appended to the log.
/// </para>
/// <para>
/// Every change is a compare-and-set on <see cref="ReviewRecord.Version"/>: a step that lost a race
/// re-reads the review and tries again, at most <see cref="MaxAttempts"/> times, then throws
/// <see cref="ReviewConflictException"/>. Deadlines apply lazily (any operation that reads an open
/// review past its deadline applies <see cref="HumanReviewOptions.OnDeadline"/> first, as often as
/// needed) and in sweeps (<see cref="EnforceDeadlinesAsync"/>, run every minute by the hosted
/// service <c>UseHumanReview()</c> registers). A review the deadline policy rejects is decided by
/// <see cref="DeadlineReviewer"/> at its deadline.
/// </para>
/// <para>
/// Logs go to the <c>SafeOpenAI.Review</c> logger (event ids 3401 to 3405; the deadline sweep 3406 and 3407) with review and audit
/// ids and codes only, never material, notes or reviewer names. Metrics go to the
/// <c>SafeOpenAI</c> meter: <see cref="SafeOpenAITelemetry.ReviewSubmittedMetric"/>,
/// <see cref="SafeOpenAITelemetry.ReviewDecidedMetric"/> and
/// <see cref="SafeOpenAITelemetry.ReviewDecisionTimeMetric"/>.
/// </para>
/// <para>Thread-safe; across processes sharing a durable store, state changes are compare-and-set on the record's version.</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "A review queue is the field's name for this: items wait in order for a human decision.")]
public sealed partial class HumanReviewQueue : IHumanReviewQueue, IDisposable
{
    /// <summary>The principal name recorded when the deadline policy, not a person, decided: <c>deadline-policy</c>.</summary>
    public const string DeadlineReviewer = "deadline-policy";

    /// <summary>The rule of the <see cref="SafetyAlert"/> raised when a review is escalated: <c>review.escalated</c>.</summary>
    public const string EscalatedAlertRule = "review.escalated";

    /// <summary>The access log subject of a refusal to list the queue as a whole: <c>(queue)</c>.</summary>
    public const string QueueSubject = "(queue)";

    /// <summary>The principal name logged for a refused principal without a name: <c>(anonymous)</c>.</summary>
    public const string AnonymousPrincipal = ReviewerGate.AnonymousPrincipal;

    /// <summary>How many times one step re-reads a review that another writer changed before it gives up: 8.</summary>
    public const int MaxAttempts = 8;

    private const string ReasonTag = "safeopenai.review.reason";
    private const string OutcomeTag = "safeopenai.review.outcome";
    private const int SweepPageSize = 100;

    private static readonly double[] s_decisionTimeBuckets =
        [1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 43200, 86400, 172800, 604800];

    // What a waiter awaits for change notices when the store sends none.
    private static readonly Task s_never = new TaskCompletionSource().Task;

    private readonly IReviewStore _store;
    private readonly IReviewAccessLog _accessLog;
    private readonly ReviewerGate _gate;
    private readonly AuditContentProtector _protector;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SafetyAlertDispatcher? _alerts;
    private readonly TimeSpan _deadline;
    private readonly ReviewDeadlineAction _onDeadline;
    private readonly TimeSpan _escalationDeadline;
    private readonly int _maxEscalations;
    private readonly TimeSpan _claimTimeout;
    private readonly TimeSpan _pollInterval;
    private readonly int _maxNoteCharacters;
    private readonly Counter<long>? _submitted;
    private readonly Counter<long>? _decided;
    private readonly Histogram<double>? _decisionTime;
    private readonly object _waitersGate = new();
    private readonly Dictionary<string, Waiters> _waiters = new(StringComparer.Ordinal);
    private readonly IReviewClaimStore? _claimStore;
    private readonly IDisposable? _changes;

    /// <summary>Creates the queue.</summary>
    /// <param name="store">Where reviews live.</param>
    /// <param name="accessLog">Where every read and decision is logged.</param>
    /// <param name="authorization">Who may review.</param>
    /// <param name="protector">Encrypts material, answers and notes at rest.</param>
    /// <param name="options">Deadlines, claims and limits; read once.</param>
    /// <param name="timeProvider">The clock of deadlines and claims.</param>
    /// <param name="loggerFactory">Logs decisions (ids and codes, never material).</param>
    /// <param name="alerts">Receives <c>review.escalated</c> alerts, or <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the <c>SafeOpenAI</c> meter, or <see langword="null"/> for no metrics.</param>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its documented range (the message names each).</exception>
    public HumanReviewQueue(
        IReviewStore store,
        IReviewAccessLog accessLog,
        IReviewerAuthorization authorization,
        AuditContentProtector protector,
        HumanReviewOptions options,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        SafetyAlertDispatcher? alerts = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(accessLog);
        ArgumentNullException.ThrowIfNull(authorization);
        ArgumentNullException.ThrowIfNull(protector);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var errors = new List<string>();
        SafeOpenAIOptionsValidator.ValidateReviewQueue(options, static key => nameof(HumanReviewOptions) + "." + key["Review:".Length..], errors);
        if (errors.Count > 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), string.Join(" ", errors));
        }

        _store = store;
        _accessLog = accessLog;
        _protector = protector;
        _time = timeProvider;
        _logger = loggerFactory.CreateLogger("SafeOpenAI.Review");
        _gate = new ReviewerGate(authorization, accessLog, timeProvider, _logger);
        _alerts = alerts;
        _deadline = options.Deadline;
        _onDeadline = options.OnDeadline;
        _escalationDeadline = options.EscalationDeadline;
        _maxEscalations = options.MaxEscalations;
        _claimTimeout = options.ClaimTimeout;
        _pollInterval = options.PollInterval;
        _maxNoteCharacters = options.MaxNoteCharacters;

        if (meterFactory?.Create(new MeterOptions(SafeOpenAITelemetry.SourceName) { Version = typeof(HumanReviewQueue).Assembly.GetName().Version?.ToString() }) is { } meter)
        {
            _submitted = meter.CreateCounter<long>(SafeOpenAITelemetry.ReviewSubmittedMetric, "{review}", "Answers held for human review, by reason code family.");
            _decided = meter.CreateCounter<long>(SafeOpenAITelemetry.ReviewDecidedMetric, "{review}", "Human reviews decided, by outcome.");
            _decisionTime = meter.CreateHistogram(
                SafeOpenAITelemetry.ReviewDecisionTimeMetric, "s", "Time from holding an answer to its decision.", null, new InstrumentAdvice<double> { HistogramBucketBoundaries = s_decisionTimeBuckets });
        }

        _claimStore = store as IReviewClaimStore;

        // Decisions made by other instances wake this instance's waiters at once; polling stays the bound.
        _changes = (store as IReviewChangeNotifier)?.Subscribe(OnStoreChanged);
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    /// <inheritdoc />
    public async Task<ReviewSummary> SubmitAsync(ReviewSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (submission.Reason is not { } reason)
        {
            throw new ArgumentException("The submission has no reason: the verdict that asked for review.", nameof(submission));
        }

        if (reason.Action != SafetyAction.Review)
        {
            throw new ArgumentException($"The reason of a review must be a Review verdict; '{reason.Stage}: {reason.Code}' is {reason.Action}.", nameof(submission));
        }

        if (string.IsNullOrWhiteSpace(submission.AuditId))
        {
            throw new ArgumentException("The submission's audit id is empty: a review refers to the audit record of the call whose answer it holds.", nameof(submission));
        }

        if (submission.Material is not { } material)
        {
            throw new ArgumentException("The submission has no material: a reviewer needs the conversation and the answer.", nameof(submission));
        }

        var reviewId = Guid.NewGuid().ToString("N");
        var now = Now;
        var summary = new ReviewSummary(
            reviewId,
            submission.AuditId,
            ReviewStatus.Pending,
            reason.Code,
            reason.Stage,
            string.IsNullOrEmpty(submission.RiskDomain) ? null : submission.RiskDomain,
            string.IsNullOrEmpty(submission.SafetyIdentifier) ? null : submission.SafetyIdentifier,
            now,
            now + _deadline,
            Escalations: 0,
            ClaimedBy: null,
            ClaimExpiresAt: null,
            Outcome: null,
            DecidedBy: null,
            DecidedAt: null);
        var record = new ReviewRecord(summary, _protector.Protect(ReviewMaterialCodec.Serialize(material), ProtectedField.Of(reviewId, ProtectedField.Material)), null, null, Version: 1);
        await _store.AddAsync(record, cancellationToken).ConfigureAwait(false);

        _submitted?.Add(1, new KeyValuePair<string, object?>(ReasonTag, CodeFamily(reason.Code)));
        LogSubmitted(_logger, reviewId, summary.AuditId, summary.ReasonCode, summary.Deadline);
        return summary;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ReviewListQuery.Limit"/> is not 1 to 10,000.</exception>
    public async Task<IReadOnlyList<ReviewSummary>> ListAsync(ClaimsPrincipal reviewer, ReviewListQuery? query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        query ??= new ReviewListQuery();
        ReviewStoreQueries.ThrowIfInvalid(query);
        await AuthorizeAsync(reviewer, null, QueueSubject, cancellationToken).ConfigureAwait(false);
        await EnforceDeadlinesAsync(cancellationToken).ConfigureAwait(false);
        var records = await _store.ListAsync(query, cancellationToken).ConfigureAwait(false);
        return records.Select(static r => r.Summary).ToArray();
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="reviewId"/> is null or empty.</exception>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The material was encrypted under another key (nothing is shown or logged as read).</exception>
    public async Task<ReviewItem> OpenAsync(ClaimsPrincipal reviewer, string reviewId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        ArgumentException.ThrowIfNullOrEmpty(reviewId);
        var record = await ReadAsync(reviewId, cancellationToken).ConfigureAwait(false);
        var name = await AuthorizeAsync(reviewer, record.Summary, reviewId, cancellationToken).ConfigureAwait(false);
        var material = MaterialOf(record);
        var decision = DecisionOf(record);

        // The read is durable before anything is shown; if the log refuses it, the caller sees nothing.
        await _accessLog.AppendAsync(new ReviewAccessEntry(reviewId, name, ReviewAccessAction.Read, Now), cancellationToken).ConfigureAwait(false);
        return new ReviewItem(record.Summary, material, decision);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="reviewId"/> is null or empty.</exception>
    public async Task<ReviewSummary> ClaimAsync(ClaimsPrincipal reviewer, string reviewId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        ArgumentException.ThrowIfNullOrEmpty(reviewId);
        var record = await ReadAsync(reviewId, cancellationToken).ConfigureAwait(false);
        var name = await AuthorizeAsync(reviewer, record.Summary, reviewId, cancellationToken).ConfigureAwait(false);
        for (var failures = 0; ; )
        {
            var now = Now;
            ThrowIfNotDecidable(record.Summary, name, now);
            var claimed = record with
            {
                Summary = record.Summary with { Status = ReviewStatus.Claimed, ClaimedBy = name, ClaimExpiresAt = now + _claimTimeout },
                Version = record.Version + 1,
            };
            if (await _store.TryReplaceAsync(claimed, record.Version, cancellationToken).ConfigureAwait(false))
            {
                await _accessLog.AppendAsync(new ReviewAccessEntry(reviewId, name, ReviewAccessAction.Claimed, now), CancellationToken.None).ConfigureAwait(false);
                return claimed.Summary;
            }

            record = await RereadAfterConflictAsync(record, ++failures, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// With a store that implements <see cref="IReviewClaimStore"/>, each candidate is found and claimed in
    /// one atomic step of the store; otherwise the open reviews are read in deadline order and claimed by
    /// compare-and-set, a lost race moving on to the next. A claimed review the reviewer may not act on is
    /// given back (status <see cref="ReviewStatus.Pending"/>, or <see cref="ReviewStatus.Escalated"/> once
    /// escalated, with no claim) and passed over.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ReviewListQuery.Limit"/> is not 1 to 10,000.</exception>
    public async Task<ReviewSummary?> ClaimNextAsync(ClaimsPrincipal reviewer, ReviewListQuery? query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        query ??= new ReviewListQuery();
        ReviewStoreQueries.ThrowIfInvalid(query);
        var name = await AuthorizeAsync(reviewer, null, QueueSubject, cancellationToken).ConfigureAwait(false);
        await EnforceDeadlinesAsync(cancellationToken).ConfigureAwait(false);
        var passedOver = new HashSet<string>(StringComparer.Ordinal);
        var claimed = _claimStore is { } claimStore
            ? await ClaimNextInStoreAsync(claimStore, reviewer, name, query, passedOver, cancellationToken).ConfigureAwait(false)
            : await ClaimNextByListingAsync(reviewer, name, query, passedOver, cancellationToken).ConfigureAwait(false);
        if (claimed is not null)
        {
            await _accessLog.AppendAsync(new ReviewAccessEntry(claimed.ReviewId, name, ReviewAccessAction.Claimed, claimed.ClaimExpiresAt!.Value - _claimTimeout), CancellationToken.None).ConfigureAwait(false);
        }

        return claimed;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="reviewId"/> is null or empty.</exception>
    public Task<ReviewDecision> ApproveAsync(ClaimsPrincipal reviewer, string reviewId, string? note, CancellationToken cancellationToken) =>
        DecideAsync(reviewer, reviewId, ReviewOutcome.Approved, null, note, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="reviewId"/> is null or empty.</exception>
    public Task<ReviewDecision> EditAndApproveAsync(ClaimsPrincipal reviewer, string reviewId, string editedAnswer, string? note, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(editedAnswer))
        {
            throw new ArgumentException("The edited answer is empty; to withhold the answer, reject it.", nameof(editedAnswer));
        }

        return DecideAsync(reviewer, reviewId, ReviewOutcome.Edited, editedAnswer, note, cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="reviewId"/> is null or empty.</exception>
    public Task<ReviewDecision> RejectAsync(ClaimsPrincipal reviewer, string reviewId, string? note, CancellationToken cancellationToken) =>
        DecideAsync(reviewer, reviewId, ReviewOutcome.Rejected, null, note, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="reviewId"/> is null or empty.</exception>
    public async Task<ReviewDecision?> GetDecisionAsync(string reviewId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reviewId);
        return DecisionOf(await ReadAsync(reviewId, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    /// <remarks>Applies an overdue deadline first, like every read.</remarks>
    /// <exception cref="ArgumentException"><paramref name="reviewId"/> is null or empty.</exception>
    public async Task<ReviewSummary> GetSummaryAsync(string reviewId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reviewId);
        return (await ReadAsync(reviewId, cancellationToken).ConfigureAwait(false)).Summary;
    }

    /// <inheritdoc />
    /// <remarks>
    /// A decision made through this instance wakes the wait at once; one made by another process is
    /// seen at once when the store is an <see cref="IReviewChangeNotifier"/> (it wakes the wait, which
    /// re-reads the store), and otherwise, or when a notice is lost, within <see cref="HumanReviewOptions.PollInterval"/>; the deadline policy is applied when
    /// the deadline passes. All waiting is on the queue's <see cref="TimeProvider"/>.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="reviewId"/> is null or empty.</exception>
    public async Task<ReviewDecision> WaitForDecisionAsync(string reviewId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reviewId);
        var signal = EnterWait(reviewId);
        try
        {
            while (true)
            {
                // Taken before the read, so that a change notice arriving during the read is not lost.
                var changed = ChangeSignal(reviewId);
                var record = await ReadAsync(reviewId, cancellationToken).ConfigureAwait(false);
                if (DecisionOf(record) is { } decision)
                {
                    return decision;
                }

                var untilDeadline = record.Summary.Deadline - Now;
                if (untilDeadline <= TimeSpan.Zero)
                {
                    // Passed between the read and now: the next read applies it.
                    continue;
                }

                using var stopDelay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var delay = Task.Delay(untilDeadline < _pollInterval ? untilDeadline : _pollInterval, _time, stopDelay.Token);
                await Task.WhenAny(signal, delay, changed).ConfigureAwait(false);
                await stopDelay.CancelAsync().ConfigureAwait(false);
                if (signal.IsCompleted)
                {
                    return await signal.ConfigureAwait(false);
                }

                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            LeaveWait(reviewId, signal);
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="reviewId"/> is null or empty.</exception>
    public async Task<IReadOnlyList<ReviewAccessEntry>> GetAccessLogAsync(ClaimsPrincipal reviewer, string reviewId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        ArgumentException.ThrowIfNullOrEmpty(reviewId);
        var record = await _store.GetAsync(reviewId, cancellationToken).ConfigureAwait(false);
        await AuthorizeAsync(reviewer, record?.Summary, reviewId, cancellationToken).ConfigureAwait(false);
        return await _accessLog.ListAsync(reviewId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="ReviewConflictException">A review kept changing under other writers for <see cref="MaxAttempts"/> attempts.</exception>
    public async Task<int> EnforceDeadlinesAsync(CancellationToken cancellationToken)
    {
        var changed = 0;
        while (true)
        {
            // A deadline applies from its instant on; DueBefore is exclusive.
            var due = await _store.ListAsync(new ReviewListQuery { OpenOnly = true, DueBefore = Now.AddTicks(1), Limit = SweepPageSize }, cancellationToken).ConfigureAwait(false);
            var progress = 0;
            foreach (var record in due)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if ((await ApplyDueDeadlineAsync(record, cancellationToken).ConfigureAwait(false)).ChangedHere)
                {
                    progress++;
                }
            }

            changed += progress;
            // Every review of a full page left the due set (decided, or its deadline moved on): read the next.
            if (due.Count < SweepPageSize || progress == 0)
            {
                return changed;
            }
        }
    }

    private static string CodeFamily(string code) => code.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 ? code[..colon] : code;

    private static string OutcomeName(ReviewOutcome outcome) => outcome switch
    {
        ReviewOutcome.Approved => "approved",
        ReviewOutcome.Edited => "edited",
        ReviewOutcome.Rejected => "rejected",
        ReviewOutcome.Expired => "expired",
        _ => ((int)outcome).ToString(CultureInfo.InvariantCulture),
    };

    private static ReviewAccessAction ActionOf(ReviewOutcome outcome) => outcome switch
    {
        ReviewOutcome.Approved => ReviewAccessAction.Approved,
        ReviewOutcome.Edited => ReviewAccessAction.Edited,
        ReviewOutcome.Rejected => ReviewAccessAction.Rejected,
        _ => ReviewAccessAction.Expired,
    };

    /// <summary>Throws <see cref="ReviewConflictException"/> unless <paramref name="reviewer"/> may claim or decide the review now.</summary>
    private static void ThrowIfNotDecidable(ReviewSummary summary, string reviewer, DateTimeOffset now)
    {
        if (!summary.IsOpen)
        {
            throw new ReviewConflictException(
                summary.ReviewId,
                summary.Status,
                string.Create(CultureInfo.InvariantCulture, $"Review '{summary.ReviewId}' is already decided: {summary.Outcome} by '{summary.DecidedBy}' at {summary.DecidedAt:O}."));
        }

        if (summary.ClaimedBy is { } holder && !string.Equals(holder, reviewer, StringComparison.Ordinal) && summary.ClaimExpiresAt > now)
        {
            throw new ReviewConflictException(
                summary.ReviewId,
                summary.Status,
                string.Create(CultureInfo.InvariantCulture, $"Review '{summary.ReviewId}' is claimed by '{holder}' until {summary.ClaimExpiresAt:O}; nobody else may claim or decide it until then."));
        }
    }

    private async Task<ReviewDecision> DecideAsync(ClaimsPrincipal reviewer, string reviewId, ReviewOutcome outcome, string? editedAnswer, string? note, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        ArgumentException.ThrowIfNullOrEmpty(reviewId);
        if (note is { Length: var length } && length > _maxNoteCharacters)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The note is {length} characters long; the limit is {_maxNoteCharacters} (HumanReviewOptions.MaxNoteCharacters)."), nameof(note));
        }

        note = string.IsNullOrWhiteSpace(note) ? null : note;
        var record = await ReadAsync(reviewId, cancellationToken).ConfigureAwait(false);
        var name = await AuthorizeAsync(reviewer, record.Summary, reviewId, cancellationToken).ConfigureAwait(false);
        var protectedNote = note is null ? null : _protector.Protect(note, ProtectedField.Of(reviewId, ProtectedField.Note));
        string? released = null;
        string? protectedAnswer = null;
        for (var failures = 0; ; )
        {
            var now = Now;
            ThrowIfNotDecidable(record.Summary, name, now);
            if (outcome != ReviewOutcome.Rejected && protectedAnswer is null)
            {
                // The released text, encrypted like the material; the held answer never changes, so it is read once.
                released = outcome == ReviewOutcome.Edited ? editedAnswer! : MaterialOf(record).Answer;
                protectedAnswer = _protector.Protect(released, ProtectedField.Of(reviewId, ProtectedField.Answer));
            }

            var decided = record with
            {
                Summary = record.Summary with
                {
                    Status = outcome == ReviewOutcome.Rejected ? ReviewStatus.Rejected : ReviewStatus.Approved,
                    Outcome = outcome,
                    DecidedBy = name,
                    DecidedAt = now,
                },
                ProtectedAnswer = protectedAnswer,
                ProtectedNote = protectedNote,
                Version = record.Version + 1,
            };
            if (await _store.TryReplaceAsync(decided, record.Version, cancellationToken).ConfigureAwait(false))
            {
                var decision = new ReviewDecision(reviewId, decided.Summary.AuditId, outcome, released, note, name, now);
                await AfterDecisionAsync(decided.Summary, decision).ConfigureAwait(false);
                return decision;
            }

            record = await RereadAfterConflictAsync(record, ++failures, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Logs, counts and announces a decision that is already stored.</summary>
    private async Task AfterDecisionAsync(ReviewSummary summary, ReviewDecision decision)
    {
        // Once stored, the decision is logged whatever the caller's token says.
        await _accessLog.AppendAsync(new ReviewAccessEntry(summary.ReviewId, decision.DecidedBy, ActionOf(decision.Outcome), decision.DecidedAt), CancellationToken.None).ConfigureAwait(false);
        if (_decided is not null || _decisionTime is not null)
        {
            var tag = new KeyValuePair<string, object?>(OutcomeTag, OutcomeName(decision.Outcome));
            _decided?.Add(1, tag);
            _decisionTime?.Record(Math.Max(0, (decision.DecidedAt - summary.CreatedAt).TotalSeconds), tag);
        }

        if (decision.Outcome == ReviewOutcome.Expired)
        {
            LogExpired(_logger, summary.ReviewId, summary.AuditId, summary.Escalations);
        }
        else
        {
            LogDecided(_logger, summary.ReviewId, summary.AuditId, decision.Outcome);
        }

        Signal(summary.ReviewId, decision);
    }

    /// <summary>Reads a review and applies its deadline if it passed.</summary>
    private async Task<ReviewRecord> ReadAsync(string reviewId, CancellationToken cancellationToken)
    {
        var record = await _store.GetAsync(reviewId, cancellationToken).ConfigureAwait(false) ?? throw new ReviewNotFoundException(reviewId);
        return (await ApplyDueDeadlineAsync(record, cancellationToken).ConfigureAwait(false)).Record;
    }

    private async Task<ReviewRecord> RereadAfterConflictAsync(ReviewRecord stale, int failures, CancellationToken cancellationToken)
    {
        if (failures >= MaxAttempts)
        {
            throw new ReviewConflictException(
                stale.Summary.ReviewId,
                stale.Summary.Status,
                string.Create(CultureInfo.InvariantCulture, $"Review '{stale.Summary.ReviewId}' kept changing under other writers; {failures} attempts in a row lost the race. Read it again and retry."));
        }

        return await ReadAsync(stale.Summary.ReviewId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies the deadline policy, as often as needed, to an open review whose deadline passed
    /// (a long-overdue escalated review may expire at once). Returns the current record and
    /// whether this call changed it.
    /// </summary>
    private async Task<(ReviewRecord Record, bool ChangedHere)> ApplyDueDeadlineAsync(ReviewRecord record, CancellationToken cancellationToken)
    {
        var changedHere = false;
        var failures = 0;
        while (record.Summary.IsOpen && Now >= record.Summary.Deadline)
        {
            var summary = record.Summary;
            var escalate = _onDeadline == ReviewDeadlineAction.Escalate && summary.Escalations < _maxEscalations;
            var next = record with
            {
                Summary = escalate
                    ? summary with { Status = ReviewStatus.Escalated, Escalations = summary.Escalations + 1, Deadline = summary.Deadline + _escalationDeadline }
                    : summary with { Status = ReviewStatus.Rejected, Outcome = ReviewOutcome.Expired, DecidedBy = DeadlineReviewer, DecidedAt = summary.Deadline },
                Version = record.Version + 1,
            };
            if (!await _store.TryReplaceAsync(next, record.Version, cancellationToken).ConfigureAwait(false))
            {
                if (++failures >= MaxAttempts)
                {
                    throw new ReviewConflictException(
                        summary.ReviewId,
                        summary.Status,
                        string.Create(CultureInfo.InvariantCulture, $"The deadline of review '{summary.ReviewId}' could not be applied: {failures} attempts in a row lost the race to other writers."));
                }

                record = await _store.GetAsync(summary.ReviewId, cancellationToken).ConfigureAwait(false) ?? throw new ReviewNotFoundException(summary.ReviewId);
                continue;
            }

            changedHere = true;
            record = next;
            if (escalate)
            {
                await AfterEscalationAsync(summary, next.Summary).ConfigureAwait(false);
            }
            else
            {
                await AfterDecisionAsync(next.Summary, new ReviewDecision(summary.ReviewId, summary.AuditId, ReviewOutcome.Expired, null, null, DeadlineReviewer, summary.Deadline)).ConfigureAwait(false);
            }
        }

        return (record, changedHere);
    }

    private async Task AfterEscalationAsync(ReviewSummary before, ReviewSummary after)
    {
        await _accessLog.AppendAsync(new ReviewAccessEntry(after.ReviewId, DeadlineReviewer, ReviewAccessAction.Escalated, before.Deadline), CancellationToken.None).ConfigureAwait(false);
        _alerts?.Enqueue(new SafetyAlert(
            EscalatedAlertRule,
            AlertScope.Review,
            after.ReviewId,
            after.Escalations,
            _maxEscalations,
            "count",
            before.Deadline - before.CreatedAt,
            Now));
        LogEscalated(_logger, after.ReviewId, after.AuditId, after.Escalations, after.Deadline);
    }

    /// <summary>Asks the authorization; a refusal is logged (access log, then warning) and thrown. Returns the principal's name.</summary>
    private Task<string> AuthorizeAsync(ClaimsPrincipal reviewer, ReviewSummary? review, string subject, CancellationToken cancellationToken) =>
        _gate.AdmitAsync(reviewer, review, subject, review is null && string.Equals(subject, QueueSubject, StringComparison.Ordinal) ? null : subject, cancellationToken);

    private ReviewMaterial MaterialOf(ReviewRecord record) =>
        ReviewMaterialCodec.Deserialize(_protector.Unprotect(record.ProtectedMaterial, ProtectedField.Of(record.Summary.ReviewId, ProtectedField.Material)));

    private ReviewDecision? DecisionOf(ReviewRecord record)
    {
        var summary = record.Summary;
        if (summary.IsOpen || summary.Outcome is not { } outcome || summary.DecidedAt is not { } decidedAt)
        {
            return null;
        }

        return new ReviewDecision(
            summary.ReviewId,
            summary.AuditId,
            outcome,
            record.ProtectedAnswer is { } answer ? _protector.Unprotect(answer, ProtectedField.Of(summary.ReviewId, ProtectedField.Answer)) : null,
            record.ProtectedNote is { } note ? _protector.Unprotect(note, ProtectedField.Of(summary.ReviewId, ProtectedField.Note)) : null,
            summary.DecidedBy ?? DeadlineReviewer,
            decidedAt);
    }

    /// <summary>Stops hearing the store's change notices. Waits in progress fall back to polling.</summary>
    public void Dispose() => _changes?.Dispose();

    private async Task<ReviewSummary?> ClaimNextInStoreAsync(IReviewClaimStore claimStore, ClaimsPrincipal reviewer, string name, ReviewListQuery query, HashSet<string> passedOver, CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = Now;
            var record = await claimStore.TryClaimNextAsync(query, name, now, now + _claimTimeout, passedOver, cancellationToken).ConfigureAwait(false);
            if (record is null)
            {
                return null;
            }

            if (await _gate.MayActOnAsync(reviewer, record.Summary, cancellationToken).ConfigureAwait(false))
            {
                return record.Summary;
            }

            passedOver.Add(record.Summary.ReviewId);
            var summary = record.Summary;
            var givenBack = record with
            {
                Summary = summary with { Status = summary.Escalations > 0 ? ReviewStatus.Escalated : ReviewStatus.Pending, ClaimedBy = null, ClaimExpiresAt = null },
                Version = record.Version + 1,
            };

            // Lost only if another writer changed it since (a decision, a deadline): then there is nothing to give back.
            await _store.TryReplaceAsync(givenBack, record.Version, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<ReviewSummary?> ClaimNextByListingAsync(ClaimsPrincipal reviewer, string name, ReviewListQuery query, HashSet<string> passedOver, CancellationToken cancellationToken)
    {
        // Candidates in deadline order, read in growing pages, since claimed reviews stay open and fill the first page.
        for (var limit = query.Limit; ; limit = Math.Min(ReviewStoreQueries.MaxLimit, limit * 4))
        {
            var page = await _store.ListAsync(
                new ReviewListQuery { OpenOnly = true, SafetyIdentifier = query.SafetyIdentifier, AuditId = query.AuditId, DueBefore = query.DueBefore, Limit = limit },
                cancellationToken).ConfigureAwait(false);
            foreach (var candidate in page)
            {
                if (!passedOver.Add(candidate.Summary.ReviewId))
                {
                    continue;
                }

                if (await TryClaimCandidateAsync(reviewer, name, candidate, cancellationToken).ConfigureAwait(false) is { } claimed)
                {
                    return claimed;
                }
            }

            if (page.Count < limit || limit == ReviewStoreQueries.MaxLimit)
            {
                return null;
            }
        }
    }

    /// <summary>Claims one listed review if it is still claimable and the reviewer may act on it; a lost race returns null.</summary>
    private async Task<ReviewSummary?> TryClaimCandidateAsync(ClaimsPrincipal reviewer, string name, ReviewRecord candidate, CancellationToken cancellationToken)
    {
        var now = Now;
        var summary = candidate.Summary;
        if (!summary.IsOpen || summary.Deadline <= now || (summary.ClaimedBy is not null && summary.ClaimExpiresAt > now))
        {
            return null;
        }

        if (!await _gate.MayActOnAsync(reviewer, summary, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var claimed = candidate with
        {
            Summary = summary with { Status = ReviewStatus.Claimed, ClaimedBy = name, ClaimExpiresAt = now + _claimTimeout },
            Version = candidate.Version + 1,
        };
        return await _store.TryReplaceAsync(claimed, candidate.Version, cancellationToken).ConfigureAwait(false) ? claimed.Summary : null;
    }

    /// <summary>The task a waiter on <paramref name="reviewId"/> awaits to hear the store's next change notice for it.</summary>
    private Task ChangeSignal(string reviewId)
    {
        if (_changes is null)
        {
            return s_never;
        }

        lock (_waitersGate)
        {
            return _waiters.TryGetValue(reviewId, out var waiters) ? waiters.Changed.Task : Task.CompletedTask;
        }
    }

    /// <summary>Wakes the waiters of one review (or of every review, for <see langword="null"/>) to re-read the store.</summary>
    private void OnStoreChanged(string? reviewId)
    {
        List<TaskCompletionSource> wake = [];
        lock (_waitersGate)
        {
            foreach (var (id, waiters) in _waiters)
            {
                if (reviewId is null || string.Equals(id, reviewId, StringComparison.Ordinal))
                {
                    wake.Add(waiters.Changed);
                    waiters.Changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }

        foreach (var signal in wake)
        {
            signal.TrySetResult();
        }
    }

    private Task<ReviewDecision> EnterWait(string reviewId)
    {
        lock (_waitersGate)
        {
            if (!_waiters.TryGetValue(reviewId, out var waiters))
            {
                _waiters[reviewId] = waiters = new Waiters();
            }

            waiters.Count++;
            return waiters.Decision.Task;
        }
    }

    private void LeaveWait(string reviewId, Task<ReviewDecision> signal)
    {
        lock (_waitersGate)
        {
            if (_waiters.TryGetValue(reviewId, out var waiters) && ReferenceEquals(waiters.Decision.Task, signal) && --waiters.Count == 0)
            {
                _waiters.Remove(reviewId);
            }
        }
    }

    private void Signal(string reviewId, ReviewDecision decision)
    {
        Waiters? waiters;
        lock (_waitersGate)
        {
            _waiters.Remove(reviewId, out waiters);
        }

        waiters?.Decision.TrySetResult(decision);
    }

    [LoggerMessage(EventId = 3401, EventName = "ReviewSubmitted", Level = LogLevel.Information,
        Message = "Answer of call {AuditId} held for human review {ReviewId} ({ReasonCode}) until {Deadline:o}.")]
    private static partial void LogSubmitted(ILogger logger, string reviewId, string auditId, string reasonCode, DateTimeOffset deadline);

    [LoggerMessage(EventId = 3402, EventName = "ReviewDecided", Level = LogLevel.Information,
        Message = "Human review {ReviewId} of call {AuditId} decided: {Outcome}.")]
    private static partial void LogDecided(ILogger logger, string reviewId, string auditId, ReviewOutcome outcome);

    [LoggerMessage(EventId = 3403, EventName = "ReviewEscalated", Level = LogLevel.Warning,
        Message = "Human review {ReviewId} of call {AuditId} passed its deadline and was escalated ({Escalations}); new deadline {Deadline:o}.")]
    private static partial void LogEscalated(ILogger logger, string reviewId, string auditId, int escalations, DateTimeOffset deadline);

    [LoggerMessage(EventId = 3404, EventName = "ReviewExpired", Level = LogLevel.Warning,
        Message = "Human review {ReviewId} of call {AuditId} passed its deadline after {Escalations} escalations and was rejected; the answer is withheld.")]
    private static partial void LogExpired(ILogger logger, string reviewId, string auditId, int escalations);


    /// <summary>The callers waiting in this process for one review's decision, and the signal they share.</summary>
    private sealed class Waiters
    {
        public TaskCompletionSource<ReviewDecision> Decision { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Gets or sets the signal of the store's next change notice; replaced each time it fires.</summary>
        public TaskCompletionSource Changed { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Count { get; set; }
    }
}
