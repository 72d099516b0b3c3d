using System.Diagnostics.Metrics;
using System.Security.Claims;
using Microsoft.Extensions.Logging;

namespace SafeOpenAI;

/// <summary>
/// The <see cref="IHumanReviewQueue"/> over any <see cref="IReviewStore"/>: it applies every rule
/// (reviewer authorization, claims, deadlines, encryption at rest, the access log, alerts and
/// metrics), so that an in-memory and a SQLite store behave the same.
/// </summary>
/// <remarks>Thread-safe; across processes sharing a durable store, state changes are compare-and-set on the record's version.</remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "A review queue is the field's name for this: items wait in order for a human decision.")]
public sealed class HumanReviewQueue : IHumanReviewQueue
{
    /// <summary>The principal name recorded when the deadline policy, not a person, decided: <c>deadline-policy</c>.</summary>
    public const string DeadlineReviewer = "deadline-policy";

    /// <summary>Creates the queue.</summary>
    /// <param name="store">Where reviews live.</param>
    /// <param name="accessLog">Where every read and decision is logged.</param>
    /// <param name="authorization">Who may review.</param>
    /// <param name="protector">Encrypts material, answers and notes at rest.</param>
    /// <param name="options">Deadlines, claims and limits.</param>
    /// <param name="timeProvider">The clock of deadlines and claims.</param>
    /// <param name="loggerFactory">Logs decisions (ids and codes, never material).</param>
    /// <param name="alerts">Receives <c>review.escalated</c> alerts, or <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the <c>SafeOpenAI</c> meter, or <see langword="null"/> for no metrics.</param>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its documented range.</exception>
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
        throw new NotImplementedException();
    }

    /// <inheritdoc />
    public Task<ReviewSummary> SubmitAsync(ReviewSubmission submission, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<IReadOnlyList<ReviewSummary>> ListAsync(ClaimsPrincipal reviewer, ReviewListQuery? query, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<ReviewItem> OpenAsync(ClaimsPrincipal reviewer, string reviewId, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<ReviewSummary> ClaimAsync(ClaimsPrincipal reviewer, string reviewId, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<ReviewDecision> ApproveAsync(ClaimsPrincipal reviewer, string reviewId, string? note, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<ReviewDecision> EditAndApproveAsync(ClaimsPrincipal reviewer, string reviewId, string editedAnswer, string? note, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<ReviewDecision> RejectAsync(ClaimsPrincipal reviewer, string reviewId, string? note, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<ReviewDecision?> GetDecisionAsync(string reviewId, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<ReviewSummary> GetSummaryAsync(string reviewId, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<ReviewDecision> WaitForDecisionAsync(string reviewId, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<IReadOnlyList<ReviewAccessEntry>> GetAccessLogAsync(ClaimsPrincipal reviewer, string reviewId, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<int> EnforceDeadlinesAsync(CancellationToken cancellationToken) => throw new NotImplementedException();
}
