using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SafeOpenAI.WebApp.Tests.Browser;

/// <summary>
/// The whole human-review story in two browsers: alice asks, a high-risk answer is held, rita
/// decides on the review page, alice sees the decision, reports the answer, and rita triages the
/// report next to its audit record.
/// </summary>
[TestFixture]
public sealed class ReviewStoryTests : BrowserTest
{
    [Test]
    public async Task Held_health_answer_is_approved_then_reported_and_the_report_is_triaged()
    {
        var alice = await SignInAsync("alice", Demo.AlicePassword);
        await ScreenshotAsync(alice, "alice-signed-in");

        var general = await AskAsync(alice, "general", "How do I export all my notebooks at once?");
        await Expect(general).ToHaveAttributeAsync("data-status", "Answered");
        await Expect(general.GetByTestId("answer")).ToContainTextAsync("[offline model]");
        // Signed in: the pipeline sent a safety identifier (the offline model says what it received).
        await Expect(general.GetByTestId("answer")).ToContainTextAsync("safety_identifier: set");
        await ScreenshotAsync(alice, "general-answer");

        const string question = "What dose of ibuprofen is safe for an adult with a headache?";
        var held = await AskAsync(alice, "health", question);
        await Expect(held).ToHaveAttributeAsync("data-status", "PendingReview");
        await Expect(held.GetByTestId("pending-notice")).ToContainTextAsync("A person is checking this answer");
        await Expect(held.GetByTestId("answer")).ToHaveCountAsync(0);
        var reviewId = await held.GetAttributeAsync("data-review-id");
        var auditId = await held.GetAttributeAsync("data-audit-id");
        Assert.That(reviewId, Does.Match("^[0-9a-f]{32}$"));
        Assert.That(auditId, Is.Not.Null.And.Not.Empty);
        await Expect(held.GetByTestId("review-id")).ToHaveTextAsync(reviewId!);
        await ScreenshotAsync(alice, "health-question-held");
        // The review id is kept in the clear, so finding it shows the scan reads the review store.
        Assert.That(DataFilesContain(reviewId!), Is.True, "the scan reads the review store");
        Assert.That(DataFilesContain(question), Is.False, "the held conversation is encrypted at rest");

        var rita = await SignInAsync("rita", Demo.RitaPassword);
        var item = await OpenReviewAsync(rita, reviewId!);
        // The originals: the question as alice typed it, the held answer, the topic's source and every verdict.
        await Expect(item.GetByTestId("review-conversation")).ToContainTextAsync(question);
        await Expect(item.GetByTestId("held-answer")).ToContainTextAsync(question);
        await Expect(item.Locator("[data-testid=review-source][data-source-id=health-general-guidance]")).ToBeVisibleAsync();
        await Expect(item.Locator("[data-testid=review-verdict][data-code='review.risk_domain']")).ToBeVisibleAsync();
        await Expect(item.GetByTestId("reason-code")).ToHaveTextAsync("review.risk_domain");
        await Expect(item.Locator("[data-testid=access-entry][data-action=Read]").First).ToBeVisibleAsync();
        await ScreenshotAsync(item, "rita-opens-the-review");

        await item.GetByTestId("claim").ClickAsync();
        await Expect(item.GetByTestId("review-status")).ToContainTextAsync("claimed by rita");
        await item.GetByTestId("approve-note").FillAsync("Checked against the package leaflet.");
        await item.GetByTestId("approve").ClickAsync();
        await Expect(item.GetByTestId("review-message")).ToHaveTextAsync($"Review {reviewId} approved.");
        await Expect(item.Locator($"[data-testid=review-row][data-review-id='{reviewId}']")).ToHaveCountAsync(0);
        await ScreenshotAsync(item, "rita-approved");

        await alice.ReloadAsync();
        held = EntryOf(alice, question);
        await Expect(held).ToHaveAttributeAsync("data-status", "Released");
        await Expect(held.GetByTestId("checked-notice")).ToHaveTextAsync("A person checked this answer before it was shown.");
        await Expect(held.GetByTestId("answer")).ToContainTextAsync(question);
        await Expect(held.GetByTestId("review-note")).ToContainTextAsync("Checked against the package leaflet.");
        await ScreenshotAsync(alice, "alice-sees-the-approved-answer");

        await held.GetByTestId("report-toggle").ClickAsync();
        await held.GetByTestId("report-category").SelectOptionAsync("Wrong");
        await held.GetByTestId("report-comment").FillAsync("The dose for children is missing.");
        await ScreenshotAsync(alice, "alice-fills-the-report");
        await held.GetByTestId("report-submit").ClickAsync();
        held = EntryOf(alice, question);
        await Expect(held.GetByTestId("report-thanks")).ToHaveTextAsync("Thanks, a person will look at it.");
        await Expect(held.GetByTestId("report-toggle")).ToHaveCountAsync(0);
        await ScreenshotAsync(alice, "alice-reported-the-answer");
        Assert.That(DataFilesContain("The dose for children is missing."), Is.False, "the report's comment is encrypted at rest");

        await item.GotoAsync("/Review");
        var reportRow = item.Locator($"[data-testid=report-row][data-audit-id='{auditId}']");
        await Expect(reportRow).ToBeVisibleAsync();
        await ScreenshotAsync(item, "rita-sees-the-report");
        await reportRow.GetByTestId("open-report").ClickAsync();
        await Expect(item.GetByTestId("report-comment-text")).ToHaveTextAsync("The dose for children is missing.");
        await Expect(item.GetByTestId("report-category-label")).ToHaveTextAsync("Wrong or made up");
        // Next to the comment: the audit record of the reported call and the review that held it.
        await Expect(item.GetByTestId("audit-id")).ToHaveTextAsync(auditId!);
        await Expect(item.GetByTestId("audit-outcome")).ToContainTextAsync("PendingReview");
        await Expect(item.GetByTestId("audit-code").Filter(new LocatorFilterOptions { HasText = "review.risk_domain" })).ToHaveCountAsync(1);
        await Expect(item.GetByTestId("audit-tokens")).ToContainTextAsync(" tokens)");
        await Expect(item.GetByTestId("report-review")).ToHaveAttributeAsync("data-review-id", reviewId!);
        await Expect(item.GetByTestId("report-review-status")).ToContainTextAsync("Approved");
        await ScreenshotAsync(item, "rita-opens-the-report");

        await item.GetByTestId("triage-status").SelectOptionAsync("Confirmed");
        await item.GetByTestId("triage-note").FillAsync("Added the children's dose to the help centre.");
        await item.GetByTestId("triage-submit").ClickAsync();
        await Expect(item.GetByTestId("report-triage")).ToContainTextAsync("Confirmed by rita");
        await Expect(item.GetByTestId("report-triage-note")).ToHaveTextAsync("Added the children's dose to the help centre.");
        await Expect(item.GetByTestId("triage")).ToHaveCountAsync(0);
        await ScreenshotAsync(item, "rita-confirmed-the-report");
    }

    [Test]
    public async Task Reviewer_edits_a_held_money_answer_and_the_user_sees_the_edited_text_after_a_reload_with_scripts_off()
    {
        const string question = "Should I move my pension savings into a single tech fund?";
        const string edited = "Nobody here can judge that for you: a licensed adviser should look at your whole pension first.";
        var alice = await SignInAsync("alice", Demo.AlicePassword, javaScript: false);
        var held = await AskAsync(alice, "money", question);
        await Expect(held).ToHaveAttributeAsync("data-status", "PendingReview");
        var reviewId = await held.GetAttributeAsync("data-review-id");
        await ScreenshotAsync(alice, "money-question-held");

        var rita = await SignInAsync("rita", Demo.RitaPassword);
        var item = await OpenReviewAsync(rita, reviewId!);
        await Expect(item.GetByTestId("edited-answer")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape(question)));
        await item.GetByTestId("edited-answer").FillAsync(edited);
        await ScreenshotAsync(item, "rita-edits-the-answer");
        await item.GetByTestId("edit-approve").ClickAsync();
        await Expect(item.GetByTestId("review-message")).ToHaveTextAsync($"Review {reviewId} edited and approved.");

        // No script on alice's page: the reload shows the decision.
        await alice.ReloadAsync();
        held = EntryOf(alice, question);
        await Expect(held).ToHaveAttributeAsync("data-status", "Released");
        await Expect(held.GetByTestId("answer")).ToHaveTextAsync(edited);
        await Expect(held.GetByTestId("checked-notice")).ToHaveTextAsync("A person checked and edited this answer before it was shown.");
        await ScreenshotAsync(alice, "alice-sees-the-edited-answer");
    }

    [Test]
    public async Task Reviewer_rejects_a_held_legal_answer_and_the_user_sees_why()
    {
        const string question = "Can my landlord keep my whole deposit for a scratched floor?";
        const string note = "This depends on your tenancy contract: please ask a tenancy lawyer.";
        var alice = await SignInAsync("alice", Demo.AlicePassword);
        var held = await AskAsync(alice, "legal", question);
        await Expect(held).ToHaveAttributeAsync("data-status", "PendingReview");
        var reviewId = await held.GetAttributeAsync("data-review-id");
        // Marks this document: a reload or navigation would lose the mark.
        await alice.EvaluateAsync("() => { window.safeOpenAIPageMark = 'not reloaded'; }");

        var rita = await SignInAsync("rita", Demo.RitaPassword);
        var item = await OpenReviewAsync(rita, reviewId!);
        await item.GetByTestId("reject-note").FillAsync(note);
        await item.GetByTestId("reject").ClickAsync();
        await Expect(item.GetByTestId("review-message")).ToHaveTextAsync($"Review {reviewId} rejected.");
        await ScreenshotAsync(item, "rita-rejected");

        // The open page hears the decision through its script's decision request, without a reload.
        held = EntryOf(alice, question);
        await Expect(held).ToHaveAttributeAsync("data-status", "Withheld");
        await Expect(held.GetByTestId("review-note")).ToHaveTextAsync($"Reviewer's note: {note}");
        Assert.That(await alice.EvaluateAsync<string?>("() => window.safeOpenAIPageMark ?? null"), Is.EqualTo("not reloaded"), "the decision arrived without a reload");
        await ScreenshotAsync(alice, "alice-sees-the-rejection-without-a-reload");

        await alice.ReloadAsync();
        held = EntryOf(alice, question);
        await Expect(held).ToHaveAttributeAsync("data-status", "Withheld");
        await Expect(held.GetByTestId("withheld-notice")).ToContainTextAsync("This answer was not released");
        await Expect(held.GetByTestId("review-note")).ToHaveTextAsync($"Reviewer's note: {note}");
        await Expect(held.GetByTestId("answer")).ToHaveCountAsync(0);
        await Expect(held.GetByTestId("report-toggle")).ToHaveCountAsync(0);
        await ScreenshotAsync(alice, "alice-sees-the-rejection");
    }

    /// <summary>Looks for a text, as UTF-8, in every file of the app's data folder (SQLite files with their WAL, keys).</summary>
    private static bool DataFilesContain(string text)
    {
        var needle = System.Text.Encoding.UTF8.GetBytes(text);
        foreach (var path in Directory.EnumerateFiles(BrowserFixture.App.DataDirectory, "*", SearchOption.AllDirectories))
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            file.CopyTo(copy);
            if (copy.GetBuffer().AsSpan(0, (int)copy.Length).IndexOf(needle) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private async Task<IPage> OpenReviewAsync(IPage reviewer, string reviewId)
    {
        await reviewer.GotoAsync("/Review");
        var row = reviewer.Locator($"[data-testid=review-row][data-review-id='{reviewId}']");
        await Expect(row).ToBeVisibleAsync();
        await ScreenshotAsync(reviewer, "review-desk");
        await row.GetByTestId("open-review").ClickAsync();
        await Expect(reviewer.GetByTestId("review-id")).ToHaveTextAsync(reviewId);
        return reviewer;
    }
}
