using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SafeOpenAI.Samples.WebApp.Hosting;

namespace SafeOpenAI.Samples.WebApp.Pages.Review;

/// <summary>
/// One user report, opened next to the reported call's audit record (outcome, verdict codes,
/// tokens, cost, time) and the review that held the answer, if any; then triaged: confirmed or
/// dismissed, with a note. The inbox logs the read and the triage.
/// </summary>
/// <param name="inbox">The feedback inbox.</param>
[Authorize(Policy = WebAppPolicies.Reviewer)]
public sealed class ReportModel(FeedbackInbox inbox) : PageModel
{
    /// <summary>Gets the opened report, or <see langword="null"/> when the inbox refused it.</summary>
    public FeedbackCase? Case { get; private set; }

    /// <summary>Gets why the last action was refused, or <see langword="null"/>.</summary>
    public string? Error { get; private set; }

    /// <summary>Gets or sets what the last action did, carried over the redirect.</summary>
    [TempData]
    public string? Message { get; set; }

    /// <summary>Opens the report.</summary>
    /// <param name="id">The report id.</param>
    /// <param name="cancellationToken">The request's abort token.</param>
    /// <returns>The page, or 404 for an unknown id.</returns>
    public Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken) => ShowAsync(id, cancellationToken);

    /// <summary>Triages the report.</summary>
    /// <param name="id">The report id.</param>
    /// <param name="status"><see cref="FeedbackTriageStatus.Confirmed"/> or <see cref="FeedbackTriageStatus.Dismissed"/>.</param>
    /// <param name="note">The reviewer's note, optional.</param>
    /// <param name="cancellationToken">The request's abort token.</param>
    /// <returns>A redirect to the report, or the page with the reason it was refused.</returns>
    public async Task<IActionResult> OnPostTriageAsync(string id, FeedbackTriageStatus? status, string? note, CancellationToken cancellationToken)
    {
        try
        {
            if (status is not ({ } picked and (FeedbackTriageStatus.Confirmed or FeedbackTriageStatus.Dismissed)))
            {
                throw new ArgumentException("Pick Confirmed or Dismissed.", nameof(status));
            }

            var triaged = await inbox.TriageAsync(User, id, picked, string.IsNullOrWhiteSpace(note) ? null : note.Trim(), cancellationToken);
            Message = $"Report {id} {triaged.Triage.ToString().ToLowerInvariant()}.";
            return RedirectToPage("/Review/Report", new { id });
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
        catch (ArgumentException ex)
        {
            Error = ex.Message;
        }

        return await ShowAsync(id, cancellationToken);
    }

    private async Task<IActionResult> ShowAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            Case = await inbox.OpenAsync(User, id, cancellationToken);
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

        return Page();
    }
}
