namespace SafeOpenAI;

/// <summary>
/// Optional fast path of an <see cref="IReviewStore"/> for <see cref="IHumanReviewQueue.ClaimNextAsync"/>:
/// finds and claims the next claimable review in one atomic step, so that concurrent reviewers on many
/// instances each get a different review without racing on the same row. PostgreSQL does it with one
/// <c>UPDATE ... WHERE review_id = (SELECT ... FOR UPDATE SKIP LOCKED)</c>
/// (https://www.postgresql.org/docs/current/sql-select.html#SQL-FOR-UPDATE-SHARE). The
/// <see cref="HumanReviewQueue"/> still applies authorization and gives back a review its reviewer may not act on.
/// </summary>
/// <remarks>Implementations are thread-safe and, for a shared store, safe across processes.</remarks>
public interface IReviewClaimStore
{
    /// <summary>
    /// Claims the earliest-deadline review (then earliest created, then by id) that is open, whose deadline is
    /// after <paramref name="now"/>, that nobody holds an unexpired claim on (a claim expiring at or before
    /// <paramref name="now"/> counts as none, whoever held it), that matches <paramref name="query"/>'s
    /// <see cref="ReviewListQuery.SafetyIdentifier"/>, <see cref="ReviewListQuery.AuditId"/> and
    /// <see cref="ReviewListQuery.DueBefore"/> and is not in <paramref name="excluded"/>. The claimed review gets
    /// status <see cref="ReviewStatus.Claimed"/>, <paramref name="reviewer"/> as
    /// <see cref="ReviewSummary.ClaimedBy"/>, <paramref name="claimExpiresAt"/> and its version + 1, in one
    /// compare-and-set with every other writer.
    /// </summary>
    /// <param name="query">The filters; <see cref="ReviewListQuery.OpenOnly"/> and <see cref="ReviewListQuery.Limit"/> are ignored.</param>
    /// <param name="reviewer">The claiming reviewer's name.</param>
    /// <param name="now">The current time (UTC) of the queue's clock.</param>
    /// <param name="claimExpiresAt">When the claim lapses (UTC).</param>
    /// <param name="excluded">Review ids to pass over (ones this reviewer may not act on).</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    /// <returns>The claimed review as stored, or <see langword="null"/> when none is claimable.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> or <paramref name="excluded"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="reviewer"/> is null or empty.</exception>
    Task<ReviewRecord?> TryClaimNextAsync(ReviewListQuery query, string reviewer, DateTimeOffset now, DateTimeOffset claimExpiresAt, IReadOnlyCollection<string> excluded, CancellationToken cancellationToken);
}
