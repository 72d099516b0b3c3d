using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SafeOpenAI.Samples.WebApp.Hosting;

namespace SafeOpenAI.Samples.WebApp.Pages.Review;

/// <summary>
/// One held answer, opened for a reviewer: the conversation as the user sent it, the held answer,
/// the sources and every verdict with its evidence (the queue logs the read before it returns
/// them), then claim, approve, edit and approve, or reject, each with an optional note.
/// </summary>
/// <param name="reviews">The review queue.</param>
[Authorize(Policy = WebAppPolicies.Reviewer)]
public sealed class ItemModel(IHumanReviewQueue reviews) : PageModel
{
    /// <summary>Gets the opened review, or <see langword="null"/> when the queue refused it.</summary>
    public ReviewItem? Item { get; private set; }

    /// <summary>Gets who read or decided the review, and when.</summary>
    public IReadOnlyList<ReviewAccessEntry> AccessLog { get; private set; } = [];

    /// <summary>Gets why the last action was refused, or <see langword="null"/>.</summary>
    public string? Error { get; private set; }

    /// <summary>Gets or sets what the last action did, carried over the redirect.</summary>
    [TempData]
    public string? Message { get; set; }

    /// <summary>Opens the review.</summary>
    /// <param name="id">The review id.</param>
    /// <param name="cancellationToken">The request's abort token.</param>
    /// <returns>The page, 404 for an unknown id, or 403 with the reason when the queue refuses this reviewer.</returns>
    public Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken) => ShowAsync(id, cancellationToken);

    /// <summary>Claims the review, so that no other reviewer decides it meanwhile.</summary>
    /// <param name="id">The review id.</param>
    /// <param name="cancellationToken">The request's abort token.</param>
    /// <returns>The page again.</returns>
    public Task<IActionResult> OnPostClaimAsync(string id, CancellationToken cancellationToken) =>
        ActAsync(id, async () =>
        {
            var claimed = await reviews.ClaimAsync(User, id, cancellationToken);
            Message = $"You claimed this review until {Display.Time(claimed.ClaimExpiresAt)}.";
            return RedirectToPage("/Review/Item", new { id });
        }, cancellationToken);

    /// <summary>Approves the answer as the model wrote it.</summary>
    /// <param name="id">The review id.</param>
    /// <param name="note">A note for the user, optional.</param>
    /// <param name="cancellationToken">The request's abort token.</param>
    /// <returns>A redirect to the review desk, or the page with the reason it was refused.</returns>
    public Task<IActionResult> OnPostApproveAsync(string id, string? note, CancellationToken cancellationToken) =>
        ActAsync(id, async () =>
        {
            await reviews.ApproveAsync(User, id, Blank(note), cancellationToken);
            return Decided(id, "approved");
        }, cancellationToken);

    /// <summary>Releases the reviewer's text instead of the model's.</summary>
    /// <param name="id">The review id.</param>
    /// <param name="editedAnswer">The text to release.</param>
    /// <param name="note">A note for the user, optional.</param>
    /// <param name="cancellationToken">The request's abort token.</param>
    /// <returns>A redirect to the review desk, or the page with the reason it was refused.</returns>
    public Task<IActionResult> OnPostEditAsync(string id, string? editedAnswer, string? note, CancellationToken cancellationToken) =>
        ActAsync(id, async () =>
        {
            await reviews.EditAndApproveAsync(User, id, editedAnswer ?? string.Empty, Blank(note), cancellationToken);
            return Decided(id, "edited and approved");
        }, cancellationToken);

    /// <summary>Rejects the answer: it is never shown.</summary>
    /// <param name="id">The review id.</param>
    /// <param name="note">Why, for the user; optional.</param>
    /// <param name="cancellationToken">The request's abort token.</param>
    /// <returns>A redirect to the review desk, or the page with the reason it was refused.</returns>
    public Task<IActionResult> OnPostRejectAsync(string id, string? note, CancellationToken cancellationToken) =>
        ActAsync(id, async () =>
        {
            await reviews.RejectAsync(User, id, Blank(note), cancellationToken);
            return Decided(id, "rejected");
        }, cancellationToken);

    private static string? Blank(string? note) => string.IsNullOrWhiteSpace(note) ? null : note.Trim();

    private RedirectToPageResult Decided(string id, string what)
    {
        Message = $"Review {id} {what}.";
        return RedirectToPage("/Review/Index");
    }

    private async Task<IActionResult> ActAsync(string id, Func<Task<IActionResult>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await action();
        }
        catch (ReviewNotFoundException)
        {
            return NotFound();
        }
        catch (ReviewAccessDeniedException ex)
        {
            Error = ex.Message;
            Response.StatusCode = StatusCodes.Status403Forbidden;
        }
        catch (Exception ex) when (ex is ReviewConflictException or ArgumentException)
        {
            // Decided meanwhile, claimed by someone else, an empty edit or a note over the limit.
            Error = ex.Message;
        }

        return await ShowAsync(id, cancellationToken);
    }

    private async Task<IActionResult> ShowAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            Item = await reviews.OpenAsync(User, id, cancellationToken);
            AccessLog = await reviews.GetAccessLogAsync(User, id, cancellationToken);
        }
        catch (ReviewNotFoundException)
        {
            return NotFound();
        }
        catch (ReviewAccessDeniedException ex)
        {
            // For example a reviewer's own question: nobody approves their own answer.
            Error = ex.Message;
            Response.StatusCode = StatusCodes.Status403Forbidden;
        }

        return Page();
    }
}
