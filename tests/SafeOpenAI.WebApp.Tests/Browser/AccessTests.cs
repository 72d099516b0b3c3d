using static Microsoft.Playwright.Assertions;

namespace SafeOpenAI.WebApp.Tests.Browser;

/// <summary>
/// Who may open the review pages: reviewers; a signed-in user without the role gets 403; an anonymous
/// visitor is sent to sign in. Who may wait on a held answer's decision: only the visitor who asked.
/// </summary>
[TestFixture]
public sealed class AccessTests : BrowserTest
{
    [Test]
    public async Task Signed_in_user_without_the_reviewer_role_gets_403_on_the_review_page()
    {
        var bob = await SignInAsync("bob", Demo.BobPassword);
        await Expect(bob.Locator("#nav-review")).ToHaveCountAsync(0);

        var response = await bob.GotoAsync("/Review");

        Assert.That(response, Is.Not.Null);
        Assert.That(response!.Status, Is.EqualTo(403));
        Assert.That(new Uri(bob.Url).AbsolutePath, Is.EqualTo("/Review"), "403 in place, not a redirect");
        await Expect(bob.GetByTestId("status-page")).ToHaveAttributeAsync("data-status-code", "403");
        await Expect(bob.GetByTestId("pending-reviews")).ToHaveCountAsync(0);
        await ScreenshotAsync(bob, "bob-gets-403");

        var report = await bob.GotoAsync("/Review/Report/0123456789abcdef0123456789abcdef");
        Assert.That(report!.Status, Is.EqualTo(403));
    }

    [Test]
    public async Task Anonymous_visitor_is_sent_to_sign_in_from_the_review_page()
    {
        var page = await OpenPageAsync();

        var response = await page.GotoAsync("/Review");

        Assert.That(response!.Status, Is.EqualTo(200));
        var url = new Uri(page.Url);
        Assert.That(url.AbsolutePath, Is.EqualTo("/Account/SignIn"));
        Assert.That(Uri.UnescapeDataString(url.Query), Is.EqualTo("?ReturnUrl=/Review"));
        await ScreenshotAsync(page, "sign-in-with-return-url");

        await page.GetByTestId("user-name").FillAsync("rita");
        await page.GetByTestId("password").FillAsync(Demo.RitaPassword);
        await page.GetByTestId("sign-in").ClickAsync();
        await Expect(page.GetByTestId("pending-reviews")).ToBeVisibleAsync();
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/Review"));
    }

    [Test]
    public async Task Wrong_password_is_refused_and_the_demo_users_are_listed_in_development()
    {
        var page = await OpenPageAsync();
        await page.GotoAsync("/Account/SignIn");
        await Expect(page.GetByTestId("demo-users")).ToContainTextAsync("rita-demo-pass");

        await page.GetByTestId("user-name").FillAsync("alice");
        await page.GetByTestId("password").FillAsync("not-alice's-password");
        await page.GetByTestId("sign-in").ClickAsync();

        await Expect(page.GetByTestId("sign-in-error")).ToHaveTextAsync("That user name and password do not match.");
        await Expect(page.GetByTestId("signed-in-as")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("password")).ToHaveValueAsync(string.Empty);
        await ScreenshotAsync(page, "wrong-password");
    }

    [Test]
    public async Task Decision_request_answers_only_the_visitor_who_asked()
    {
        var alice = await SignInAsync("alice", Demo.AlicePassword);
        var held = await AskAsync(alice, "legal", "May my employer read my private messages on a work laptop?");
        await Expect(held).ToHaveAttributeAsync("data-status", "PendingReview");
        var url = await held.GetByTestId("pending-notice").GetAttributeAsync("data-decision-url");
        Assert.That(url, Does.StartWith("/?").And.Contain("handler=Decision").And.Contain("entryId="));

        var bob = await SignInAsync("bob", Demo.BobPassword);
        var asBob = await bob.APIRequest.GetAsync(url!);
        var anonymous = await (await OpenPageAsync()).APIRequest.GetAsync(url!);
        var asAlice = await alice.APIRequest.GetAsync(url!);

        Assert.Multiple(() =>
        {
            Assert.That(asBob.Status, Is.EqualTo(404), "bob's conversation has no such entry");
            Assert.That(anonymous.Status, Is.EqualTo(404), "an anonymous session's conversation has no such entry");
            Assert.That(asAlice.Status, Is.EqualTo(204), "still held after the wait: the page asks again");
            Assert.That(asAlice.Headers["cache-control"], Is.EqualTo("no-store"));
        });
    }
}
