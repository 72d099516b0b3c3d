namespace SafeOpenAI;

/// <summary>
/// One line of the access log that <see cref="IReviewAccessLog"/> keeps: who did what to which
/// review or feedback report, and when. Holds names and ids only, never material. Immutable.
/// </summary>
/// <param name="SubjectId">The review id or feedback report id.</param>
/// <param name="Principal">The principal's name (<c>ClaimsPrincipal.Identity.Name</c>), <c>(anonymous)</c> for a denied principal without one, or <see cref="HumanReviewQueue.DeadlineReviewer"/>.</param>
/// <param name="Action">What was done.</param>
/// <param name="At">When (UTC).</param>
public sealed record ReviewAccessEntry(string SubjectId, string Principal, ReviewAccessAction Action, DateTimeOffset At);
