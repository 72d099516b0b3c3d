using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SafeOpenAI.Samples.WebApp.Hosting;

namespace SafeOpenAI.Samples.WebApp.Pages.Review;

/// <summary>
/// The reviewers' desk: open reviews, earliest deadline first (summaries only: listing reads no
/// material), and open user reports, newest first. Reviewers only: a signed-in user without the
/// role gets 403, an anonymous visitor is sent to sign in.
/// </summary>
/// <param name="reviews">The review queue.</param>
/// <param name="inbox">The feedback inbox.</param>
[Authorize(Policy = WebAppPolicies.Reviewer)]
public sealed class IndexModel(IHumanReviewQueue reviews, FeedbackInbox inbox) : PageModel
{
    /// <summary>Gets the open reviews.</summary>
    public IReadOnlyList<ReviewSummary> Reviews { get; private set; } = [];

    /// <summary>Gets the open reports.</summary>
    public IReadOnlyList<FeedbackEntry> Reports { get; private set; } = [];

    /// <summary>Gets or sets what the last action did, carried over the redirect.</summary>
    [TempData]
    public string? Message { get; set; }

    /// <summary>Lists open reviews and reports.</summary>
    /// <param name="cancellationToken">The request's abort token.</param>
    /// <returns>A task that completes when the lists are read.</returns>
    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Reviews = await reviews.ListAsync(User, null, cancellationToken);
        Reports = await inbox.ListAsync(User, null, cancellationToken);
    }
}
