using System.Security.Claims;

namespace SafeOpenAI;

/// <summary>
/// Holds answers that a stage sent to human review (a <see cref="SafetyAction.Review"/> verdict)
/// until a reviewer approves, edits and approves, or rejects them, following OpenAI's "human in the
/// loop" practice for high-stakes answers (https://platform.openai.com/docs/guides/safety-best-practices).
/// The caller of a held call gets <see cref="SafeChatStatus.PendingReview"/> and a review id, then
/// awaits (<see cref="WaitForDecisionAsync"/>) or polls (<see cref="GetDecisionAsync"/>) the decision.
/// </summary>
/// <remarks>
/// <para>
/// Reviewer methods take the signed-in <see cref="ClaimsPrincipal"/>: the registered
/// <see cref="IReviewerAuthorization"/> must admit it (else <see cref="ReviewAccessDeniedException"/>),
/// and every read and decision is written to the <see cref="IReviewAccessLog"/> before anything is shown.
/// </para>
/// <para>
/// Deadlines follow the registered <see cref="TimeProvider"/>: a review not decided by its deadline is
/// rejected or escalated (<see cref="HumanReviewOptions.OnDeadline"/>) by the first operation that
/// touches it after the deadline, and by <see cref="EnforceDeadlinesAsync"/>.
/// </para>
/// <para>Implementations are thread-safe.</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "A review queue is the field's name for this: items wait in order for a human decision.")]
public interface IHumanReviewQueue
{
    /// <summary>Holds an answer for review.</summary>
    /// <param name="submission">The held answer and its material.</param>
    /// <param name="cancellationToken">Cancels the submission.</param>
    /// <returns>The new review's summary (status <see cref="ReviewStatus.Pending"/>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="submission"/> is null.</exception>
    /// <exception cref="ArgumentException">The reason's action is not <see cref="SafetyAction.Review"/>, or the audit id is empty.</exception>
    Task<ReviewSummary> SubmitAsync(ReviewSubmission submission, CancellationToken cancellationToken);

    /// <summary>Lists reviews for a reviewer, earliest deadline first. Applies overdue deadlines first. Shows no material.</summary>
    /// <param name="reviewer">The signed-in reviewer.</param>
    /// <param name="query">The filter, or <see langword="null"/> for the open reviews.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The summaries.</returns>
    /// <exception cref="ReviewAccessDeniedException">The principal is not a reviewer.</exception>
    Task<IReadOnlyList<ReviewSummary>> ListAsync(ClaimsPrincipal reviewer, ReviewListQuery? query, CancellationToken cancellationToken);

    /// <summary>Opens a review: decrypts its material for the reviewer and logs the read.</summary>
    /// <param name="reviewer">The signed-in reviewer.</param>
    /// <param name="reviewId">The review id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The summary, the material and the decision if any.</returns>
    /// <exception cref="ReviewNotFoundException">There is no such review.</exception>
    /// <exception cref="ReviewAccessDeniedException">The principal may not read it.</exception>
    Task<ReviewItem> OpenAsync(ClaimsPrincipal reviewer, string reviewId, CancellationToken cancellationToken);

    /// <summary>Claims an open review for <see cref="HumanReviewOptions.ClaimTimeout"/>, so that no other reviewer decides it meanwhile. Claiming again renews the claim.</summary>
    /// <param name="reviewer">The signed-in reviewer.</param>
    /// <param name="reviewId">The review id.</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    /// <returns>The claimed review's summary.</returns>
    /// <exception cref="ReviewNotFoundException">There is no such review.</exception>
    /// <exception cref="ReviewAccessDeniedException">The principal may not act on it.</exception>
    /// <exception cref="ReviewConflictException">It is decided, or another reviewer holds an unexpired claim.</exception>
    Task<ReviewSummary> ClaimAsync(ClaimsPrincipal reviewer, string reviewId, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the next review a reviewer may act on, for <see cref="HumanReviewOptions.ClaimTimeout"/>: the
    /// earliest-deadline open review (then earliest created) matching <paramref name="query"/> that nobody
    /// holds an unexpired claim on (the reviewer's own claims included), whose deadline has not passed. A
    /// review that another reviewer claims first is passed over, never reported as a conflict; one the
    /// <see cref="IReviewerAuthorization"/> refuses for this reviewer is passed over unchanged. The claim is
    /// written to the access log. Applies overdue deadlines first.
    /// </summary>
    /// <param name="reviewer">The signed-in reviewer.</param>
    /// <param name="query">The filter (<see cref="ReviewListQuery.SafetyIdentifier"/>, <see cref="ReviewListQuery.AuditId"/>, <see cref="ReviewListQuery.DueBefore"/>), or <see langword="null"/> for any open review; <see cref="ReviewListQuery.OpenOnly"/> is ignored.</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    /// <returns>The claimed review's summary, or <see langword="null"/> when there is none to claim.</returns>
    /// <exception cref="ReviewAccessDeniedException">The principal is not a reviewer.</exception>
    Task<ReviewSummary?> ClaimNextAsync(ClaimsPrincipal reviewer, ReviewListQuery? query, CancellationToken cancellationToken);

    /// <summary>Approves the answer as the model wrote it.</summary>
    /// <param name="reviewer">The signed-in reviewer.</param>
    /// <param name="reviewId">The review id.</param>
    /// <param name="note">A note for the application, or <see langword="null"/>; at most <see cref="HumanReviewOptions.MaxNoteCharacters"/> characters.</param>
    /// <param name="cancellationToken">Cancels the decision.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ReviewNotFoundException">There is no such review.</exception>
    /// <exception cref="ReviewAccessDeniedException">The principal may not act on it.</exception>
    /// <exception cref="ReviewConflictException">It is decided, or another reviewer holds an unexpired claim.</exception>
    /// <exception cref="ArgumentException">The note is too long.</exception>
    Task<ReviewDecision> ApproveAsync(ClaimsPrincipal reviewer, string reviewId, string? note, CancellationToken cancellationToken);

    /// <summary>Replaces the answer with the reviewer's text and approves that.</summary>
    /// <param name="reviewer">The signed-in reviewer.</param>
    /// <param name="reviewId">The review id.</param>
    /// <param name="editedAnswer">The text to release; not empty.</param>
    /// <param name="note">A note for the application, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the decision.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ReviewNotFoundException">There is no such review.</exception>
    /// <exception cref="ReviewAccessDeniedException">The principal may not act on it.</exception>
    /// <exception cref="ReviewConflictException">It is decided, or another reviewer holds an unexpired claim.</exception>
    /// <exception cref="ArgumentException">The edited answer is empty, or the note is too long.</exception>
    Task<ReviewDecision> EditAndApproveAsync(ClaimsPrincipal reviewer, string reviewId, string editedAnswer, string? note, CancellationToken cancellationToken);

    /// <summary>Rejects the answer: it is never released.</summary>
    /// <param name="reviewer">The signed-in reviewer.</param>
    /// <param name="reviewId">The review id.</param>
    /// <param name="note">Why, for the application, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the decision.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ReviewNotFoundException">There is no such review.</exception>
    /// <exception cref="ReviewAccessDeniedException">The principal may not act on it.</exception>
    /// <exception cref="ReviewConflictException">It is decided, or another reviewer holds an unexpired claim.</exception>
    /// <exception cref="ArgumentException">The note is too long.</exception>
    Task<ReviewDecision> RejectAsync(ClaimsPrincipal reviewer, string reviewId, string? note, CancellationToken cancellationToken);

    /// <summary>Reads the decision without waiting (polling). Applies an overdue deadline first. For the application that asked, not for reviewers: it checks no principal, so check that the review belongs to your signed-in user (<see cref="ReviewSummary.SafetyIdentifier"/>) before you show it.</summary>
    /// <param name="reviewId">The review id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The decision, or <see langword="null"/> while the review is open.</returns>
    /// <exception cref="ReviewNotFoundException">There is no such review.</exception>
    Task<ReviewDecision?> GetDecisionAsync(string reviewId, CancellationToken cancellationToken);

    /// <summary>Reads a review's summary without its material (no principal, no access-log entry): for the application that asked, to show its user where the review stands.</summary>
    /// <param name="reviewId">The review id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The summary.</returns>
    /// <exception cref="ReviewNotFoundException">There is no such review.</exception>
    Task<ReviewSummary> GetSummaryAsync(string reviewId, CancellationToken cancellationToken);

    /// <summary>
    /// Waits until the review is decided, by a reviewer in this or another process or by the
    /// deadline policy, and returns the decision. Returns at the latest when the last possible
    /// deadline passes (then with <see cref="ReviewOutcome.Expired"/> or the escalation's outcome).
    /// </summary>
    /// <param name="reviewId">The review id.</param>
    /// <param name="cancellationToken">Stops waiting (the review stays open).</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ReviewNotFoundException">There is no such review.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<ReviewDecision> WaitForDecisionAsync(string reviewId, CancellationToken cancellationToken);

    /// <summary>Lists the access log of one review: every read, claim and decision, oldest first.</summary>
    /// <param name="reviewer">The signed-in reviewer.</param>
    /// <param name="reviewId">The review id.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The entries.</returns>
    /// <exception cref="ReviewAccessDeniedException">The principal is not a reviewer.</exception>
    Task<IReadOnlyList<ReviewAccessEntry>> GetAccessLogAsync(ClaimsPrincipal reviewer, string reviewId, CancellationToken cancellationToken);

    /// <summary>Applies the deadline policy to every open review whose deadline has passed.</summary>
    /// <param name="cancellationToken">Cancels the sweep.</param>
    /// <returns>How many reviews were rejected or escalated.</returns>
    Task<int> EnforceDeadlinesAsync(CancellationToken cancellationToken);
}
