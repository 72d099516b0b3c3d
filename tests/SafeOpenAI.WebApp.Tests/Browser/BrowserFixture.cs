using Microsoft.Playwright;

namespace SafeOpenAI.WebApp.Tests.Browser;

/// <summary>
/// Starts, once for every browser test, the web sample and headless Chromium: Debian's
/// <c>/usr/bin/chromium</c> driven by Playwright (no browser download). A missing Chromium fails
/// the tests with the command that installs it; the tests are never skipped.
/// </summary>
[SetUpFixture]
public sealed class BrowserFixture
{
    /// <summary>Where Debian's chromium package puts the browser.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private static IPlaywright? s_playwright;
    private static IBrowser? s_browser;
    private static RunningWebApp? s_app;

    /// <summary>Gets the running web sample.</summary>
    public static RunningWebApp App => s_app ?? throw new InvalidOperationException("The web sample is not running.");

    /// <summary>Gets the browser.</summary>
    public static IBrowser Browser => s_browser ?? throw new InvalidOperationException("Chromium is not running.");

    /// <summary>Starts the app and the browser.</summary>
    /// <returns>A task that completes when both run.</returns>
    [OneTimeSetUp]
    public async Task StartAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            Assert.Fail($"Chromium is missing at {ChromiumPath}. Run `bash eng/install-prerequisites.sh` (it installs Debian's chromium package); the browser tests do not download a browser.");
        }

        Assertions.SetDefaultExpectTimeout(15_000);
        s_app = await RunningWebApp.StartAsync();
        s_playwright = await Playwright.CreateAsync();
        s_browser = await s_playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox"],
        });
    }

    /// <summary>Stops the browser and the app.</summary>
    /// <returns>A task that completes when both stopped.</returns>
    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (s_browser is not null)
        {
            await s_browser.DisposeAsync();
        }

        s_playwright?.Dispose();
        if (s_app is not null)
        {
            await s_app.DisposeAsync();
        }
    }
}
