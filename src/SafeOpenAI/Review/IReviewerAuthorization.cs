using System.Security.Claims;

namespace SafeOpenAI;

/// <summary>
/// Decides which principals may read and decide held answers and feedback reports. The default,
/// <see cref="RoleReviewerAuthorization"/>, admits members of one role.
/// </summary>
/// <remarks>Implementations are thread-safe. A principal refused here sees nothing, and the refusal is written to the <see cref="IReviewAccessLog"/>.</remarks>
public interface IReviewerAuthorization
{
    /// <summary>Decides whether <paramref name="reviewer"/> may read or act on one review (or, when <paramref name="review"/> is <see langword="null"/>, list the queue or a feedback report).</summary>
    /// <param name="reviewer">The signed-in principal.</param>
    /// <param name="review">The review, or <see langword="null"/> for the queue as a whole and for feedback reports.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns><see langword="true"/> when allowed.</returns>
    ValueTask<bool> IsAuthorizedAsync(ClaimsPrincipal reviewer, ReviewSummary? review, CancellationToken cancellationToken);
}
