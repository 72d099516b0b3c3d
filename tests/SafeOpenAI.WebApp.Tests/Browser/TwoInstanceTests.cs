using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SafeOpenAI.Redis;
using SafeOpenAI.Testing;
using static Microsoft.Playwright.Assertions;

namespace SafeOpenAI.WebApp.Tests.Browser;

/// <summary>
/// Two instances of the web sample behave as one app: both on one private PostgreSQL database
/// (<c>WebApp:Store=PostgreSql</c>), one private Redis for budgets, one keys folder. A question held
/// on instance A is decided by a reviewer on instance B, and the user's page on A shows the decision
/// without a reload.
/// </summary>
[TestFixture]
public sealed class TwoInstanceTests : BrowserTest
{
    private LocalPostgreSqlServer? _postgres;
    private LocalRedisServer? _redis;
    private string? _keysDirectory;
    private RunningWebApp? _a;
    private RunningWebApp? _b;

    private RunningWebApp A => _a ?? throw new InvalidOperationException("Instance A is not running.");

    private RunningWebApp B => _b ?? throw new InvalidOperationException("Instance B is not running.");

    /// <summary>Starts the database, Redis and the two instances with the same shared settings.</summary>
    /// <returns>A task that completes when both instances listen.</returns>
    [OneTimeSetUp]
    public async Task StartInstancesAsync()
    {
        _postgres = await LocalPostgreSqlServer.StartAsync();
        var connectionString = await _postgres.CreateDatabaseAsync("webapp");
        _redis = await LocalRedisServer.StartAsync();
        _keysDirectory = Directory.CreateTempSubdirectory("safeopenai-webapp-keys-").FullName;
        string[] shared =
        [
            "--WebApp:Store=PostgreSql",
            $"--ConnectionStrings:SafeOpenAI={connectionString}",
            $"--WebApp:Redis={_redis.Configuration}",
            $"--WebApp:KeysDirectory={_keysDirectory}",
            // Short, so that the page's script asks again several times while the reviewer works.
            "--WebApp:DecisionWaitSeconds=3",
        ];
        _a = await RunningWebApp.StartAsync(shared);
        _b = await RunningWebApp.StartAsync(shared);
    }

    /// <summary>Stops the instances, Redis and the database, and deletes the keys folder.</summary>
    /// <returns>A task that completes when everything is stopped.</returns>
    [OneTimeTearDown]
    public async Task StopInstancesAsync()
    {
        foreach (var app in new[] { _b, _a })
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        if (_keysDirectory is not null)
        {
            Directory.Delete(_keysDirectory, recursive: true);
        }
    }

    [Test]
    public async Task Answer_held_on_one_instance_is_approved_on_the_other_and_the_page_shows_it_without_a_reload()
    {
        var alice = await SignInAsync("alice", Demo.AlicePassword, A.Address);
        var general = await AskAsync(alice, "general", "How do I rename a shared notebook?");
        await Expect(general).ToHaveAttributeAsync("data-status", "Answered");

        const string question = "How often may an adult take paracetamol in one day?";
        var held = await AskAsync(alice, "health", question);
        await Expect(held).ToHaveAttributeAsync("data-status", "PendingReview");
        var reviewId = await held.GetAttributeAsync("data-review-id");
        Assert.That(reviewId, Does.Match("^[0-9a-f]{32}$"));
        await ScreenshotAsync(alice, "alice-on-a-held");
        // Marks this document: a reload or navigation would lose the mark.
        await alice.EvaluateAsync("() => { window.safeOpenAIPageMark = 'not reloaded'; }");

        // The sign-in cookie written by A is read by B: one data-protection key ring in the shared keys folder.
        var aliceOnB = await alice.Context.NewPageAsync();
        await aliceOnB.GotoAsync(new Uri(B.Address, "/").ToString());
        await Expect(aliceOnB.GetByTestId("signed-in-as")).ToHaveTextAsync("alice");
        await ScreenshotAsync(aliceOnB, "alice-signed-in-on-b");
        await aliceOnB.CloseAsync();

        var rita = await SignInAsync("rita", Demo.RitaPassword, B.Address);
        await rita.GotoAsync("/Review");
        var row = rita.Locator($"[data-testid=review-row][data-review-id='{reviewId}']");
        await Expect(row).ToBeVisibleAsync();
        await ScreenshotAsync(rita, "rita-on-b-sees-the-review");
        await row.GetByTestId("open-review").ClickAsync();
        await Expect(rita.GetByTestId("review-id")).ToHaveTextAsync(reviewId!);
        await Expect(rita.GetByTestId("review-conversation")).ToContainTextAsync(question);
        await rita.GetByTestId("claim").ClickAsync();
        await Expect(rita.GetByTestId("review-status")).ToContainTextAsync("claimed by rita");
        await rita.GetByTestId("approve-note").FillAsync("Checked on the other instance.");
        await rita.GetByTestId("approve").ClickAsync();
        await Expect(rita.GetByTestId("review-message")).ToHaveTextAsync($"Review {reviewId} approved.");
        await ScreenshotAsync(rita, "rita-on-b-approved");

        held = EntryOf(alice, question);
        await Expect(held).ToHaveAttributeAsync("data-status", "Released");
        await Expect(held.GetByTestId("checked-notice")).ToHaveTextAsync("A person checked this answer before it was shown.");
        await Expect(held.GetByTestId("answer")).ToContainTextAsync(question);
        await Expect(held.GetByTestId("review-note")).ToContainTextAsync("Checked on the other instance.");
        Assert.That(await alice.EvaluateAsync<string?>("() => window.safeOpenAIPageMark ?? null"), Is.EqualTo("not reloaded"), "the decision arrived without a reload");
        await ScreenshotAsync(alice, "alice-on-a-sees-the-decision-without-a-reload");

        await alice.ReloadAsync();
        held = EntryOf(alice, question);
        await Expect(held).ToHaveAttributeAsync("data-status", "Released");
        await Expect(held.GetByTestId("review-note")).ToContainTextAsync("Checked on the other instance.");
        await ScreenshotAsync(alice, "alice-on-a-after-a-reload");
    }

    [Test]
    public async Task Budget_spent_through_one_instance_is_what_the_other_reads_from_redis()
    {
        var bob = await SignInAsync("bob", Demo.BobPassword, A.Address);
        var entry = await AskAsync(bob, "general", "Where do I change my notification settings?");
        await Expect(entry).ToHaveAttributeAsync("data-status", "Answered");

        // The same development keys on both instances, so bob's safety identifier is the same on both.
        var bobKey = A.App.Services.GetRequiredService<SafetyHasher>().ComputeSafetyIdentifier("bob");
        Assert.That(B.App.Services.GetRequiredService<SafetyHasher>().ComputeSafetyIdentifier("bob"), Is.EqualTo(bobKey));
        var readerOfB = B.App.Services.GetRequiredService<IBudgetUsageReader>();
        Assert.That(readerOfB, Is.InstanceOf<RedisBudgetTracker>());

        var onB = await readerOfB.GetUsageAsync(BudgetScope.User, bobKey, BudgetWindow.Hour, CancellationToken.None);
        var onA = await A.App.Services.GetRequiredService<IBudgetUsageReader>().GetUsageAsync(BudgetScope.User, bobKey, BudgetWindow.Hour, CancellationToken.None);

        Assert.That(onB.Tokens, Is.GreaterThan(0), "B reads the tokens bob spent through A");
        Assert.That(onB.Tokens, Is.EqualTo(onA.Tokens));
        Assert.That(onB.CostUsd, Is.EqualTo(onA.CostUsd));
    }
}
