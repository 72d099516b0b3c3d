namespace SafeOpenAI;

/// <summary>
/// The final decision on a held answer, as the application that asked sees it. Immutable.
/// </summary>
/// <param name="ReviewId">The review's id.</param>
/// <param name="AuditId">The audit id of the call whose answer was held.</param>
/// <param name="Outcome">How the review ended.</param>
/// <param name="Answer">
/// The text that may now be shown to the end user: the model's answer for
/// <see cref="ReviewOutcome.Approved"/>, the reviewer's text for <see cref="ReviewOutcome.Edited"/>;
/// <see langword="null"/> for <see cref="ReviewOutcome.Rejected"/> and <see cref="ReviewOutcome.Expired"/>.
/// </param>
/// <param name="Note">The reviewer's note, or <see langword="null"/>. It is addressed to the application: show it to the end user only if your policy says so.</param>
/// <param name="DecidedBy">The reviewer's name (<c>ClaimsPrincipal.Identity.Name</c>), or <see cref="HumanReviewQueue.DeadlineReviewer"/> when the deadline policy decided.</param>
/// <param name="DecidedAt">When it was decided (UTC).</param>
public sealed record ReviewDecision(
    string ReviewId,
    string AuditId,
    ReviewOutcome Outcome,
    string? Answer,
    string? Note,
    string DecidedBy,
    DateTimeOffset DecidedAt)
{
    /// <summary>Gets whether the answer may be released: <see cref="ReviewOutcome.Approved"/> or <see cref="ReviewOutcome.Edited"/>.</summary>
    public bool IsReleased => Outcome is ReviewOutcome.Approved or ReviewOutcome.Edited;
}
