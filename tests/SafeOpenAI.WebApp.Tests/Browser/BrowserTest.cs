using System.Globalization;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SafeOpenAI.WebApp.Tests.Browser;

/// <summary>
/// What every browser test does: open pages in separate browser contexts (one per person: separate
/// cookies), sign in, ask, and save a screenshot of each page step as a test attachment under
/// <c>WorkDirectory/screenshots/&lt;test&gt;/</c>.
/// </summary>
public abstract class BrowserTest
{
    /// <summary>The demo users' passwords, as the sample's README and Development sign-in page give them.</summary>
    protected static class Demo
    {
        public const string AlicePassword = "alice-demo-pass";
        public const string BobPassword = "bob-demo-pass";
        public const string RitaPassword = "rita-demo-pass";
    }

    private readonly List<IBrowserContext> _contexts = [];
    private int _screenshots;

    /// <summary>Numbers each test's screenshots from 01.</summary>
    [SetUp]
    public void ResetScreenshotNumbers() => _screenshots = 0;

    /// <summary>Closes every browser context the test opened.</summary>
    /// <returns>A task that completes when they are closed.</returns>
    [TearDown]
    public async Task CloseContextsAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }

        _contexts.Clear();
    }

    /// <summary>Opens a page in a new browser context (its own cookies) on the running app.</summary>
    /// <param name="address">The app's address; <see langword="null"/> for the shared app of <see cref="BrowserFixture"/>.</param>
    /// <param name="javaScript"><see langword="false"/> to browse with scripts turned off.</param>
    /// <returns>The page.</returns>
    protected async Task<IPage> OpenPageAsync(Uri? address = null, bool javaScript = true)
    {
        var context = await BrowserFixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = (address ?? BrowserFixture.App.Address).ToString(),
            ViewportSize = new ViewportSize { Width = 1100, Height = 900 },
            JavaScriptEnabled = javaScript,
        });
        _contexts.Add(context);
        return await context.NewPageAsync();
    }

    /// <summary>Opens a page and signs a demo user in.</summary>
    /// <param name="userName">The user.</param>
    /// <param name="password">The password.</param>
    /// <param name="address">The app's address; <see langword="null"/> for the shared app of <see cref="BrowserFixture"/>.</param>
    /// <param name="javaScript"><see langword="false"/> to browse with scripts turned off.</param>
    /// <returns>The page, on the chat page, signed in.</returns>
    protected async Task<IPage> SignInAsync(string userName, string password, Uri? address = null, bool javaScript = true)
    {
        var page = await OpenPageAsync(address, javaScript);
        await page.GotoAsync("/Account/SignIn");
        await page.GetByTestId("user-name").FillAsync(userName);
        await page.GetByTestId("password").FillAsync(password);
        await page.GetByTestId("sign-in").ClickAsync();
        await Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync(userName);
        return page;
    }

    /// <summary>Asks a question on the chat page and waits for its entry.</summary>
    /// <param name="page">A page of the app.</param>
    /// <param name="topicId">The topic's id: <c>general</c>, <c>health</c>, <c>money</c> or <c>legal</c>.</param>
    /// <param name="question">The question; unique within the test run, since the entry is found by it.</param>
    /// <returns>The entry.</returns>
    protected static async Task<ILocator> AskAsync(IPage page, string topicId, string question)
    {
        if (new Uri(page.Url).AbsolutePath != "/")
        {
            await page.GotoAsync("/");
        }

        await page.GetByTestId("topic").SelectOptionAsync(topicId);
        await page.GetByTestId("question-input").FillAsync(question);
        await page.GetByTestId("ask").ClickAsync();
        var entry = EntryOf(page, question);
        await Expect(entry).ToBeVisibleAsync();
        return entry;
    }

    /// <summary>Finds the chat entry of a question.</summary>
    /// <param name="page">The chat page.</param>
    /// <param name="question">The question.</param>
    /// <returns>The entry's locator.</returns>
    protected static ILocator EntryOf(IPage page, string question) =>
        page.GetByTestId("chat-entry").Filter(new LocatorFilterOptions { Has = page.GetByTestId("question").GetByText(question, new LocatorGetByTextOptions { Exact = true }) });

    /// <summary>Saves a full-page screenshot of the current step and attaches it to the test result.</summary>
    /// <param name="page">The page.</param>
    /// <param name="step">What the step shows, for the file name.</param>
    /// <returns>A task that completes when the file is written.</returns>
    protected async Task ScreenshotAsync(IPage page, string step)
    {
        var test = TestContext.CurrentContext.Test;
        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots", SafeName(test.Name));
        Directory.CreateDirectory(folder);
        var index = (++_screenshots).ToString("00", CultureInfo.InvariantCulture);
        var path = Path.Combine(folder, $"{index}-{SafeName(step)}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path, step);
    }

    private static string SafeName(string? name)
    {
        var chars = (name ?? "test").Select(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray();
        var safe = new string(chars);
        return safe.Length <= 120 ? safe : safe[..120];
    }
}
