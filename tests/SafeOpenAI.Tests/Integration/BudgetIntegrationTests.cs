using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;
using SafeOpenAI.Testing;
using SafeOpenAI.Tests.Budget;

namespace SafeOpenAI.Tests.Integration;

/// <summary>Budgets through the real SDK: SafeChatClient → local OpenAI-compatible endpoint, with the default in-memory tracker.</summary>
public class BudgetIntegrationTests
{
    [Test]
    public async Task A_tenant_USD_budget_counts_billed_cost_alerts_and_then_denies_naming_the_limit()
    {
        await using var host = await IntegrationHost.StartAsync(
            o =>
            {
                o.Moderation.Enabled = false;
                o.Hardening.DefaultMaxOutputTokens = 1_000;
                o.Budget.Limits.Add(new BudgetLimit { Scope = BudgetScope.Tenant, Window = BudgetWindow.Month, CostUsd = 0.001m });
                o.Budget.AlertThresholds.Add(0.5);
                o.Budget.AlertThresholds.Add(1.0);
            },
            b => b.AddBudgetAlertSink<RecordingAlertSink>());
        // gpt-4o-mini lists at USD 0.15 in and 0.60 out per million tokens: 2,000 in (1,000 of
        // them cached at 0.075) and 1,000 out bill USD 0.000825.
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("First answer.").WithUsage(2_000, 1_000, cachedTokens: 1_000));

        var first = await host.Client.CompleteAsync(AskFor("alice"));
        var second = await host.Client.CompleteAsync(AskFor("bob"));
        var usage = await host.Services.GetRequiredService<IBudgetUsageReader>().GetUsageAsync(BudgetScope.Tenant, "acme", BudgetWindow.Month, CancellationToken.None);
        var alerts = host.Services.GetServices<IBudgetAlertSink>().OfType<RecordingAlertSink>().Single().Alerts;

        Assert.Multiple(() =>
        {
            Assert.That(first.Status, Is.EqualTo(SafeChatStatus.Completed));
            Assert.That(first.CostUsd, Is.EqualTo(0.000825m));
            Assert.That((usage.CostUsd, usage.Requests, usage.Tokens, usage.HeldCostUsd), Is.EqualTo((0.000825m, 1L, 3_000L, 0m)));
            Assert.That(second.Status, Is.EqualTo(SafeChatStatus.Blocked));
            Assert.That(second.DecisiveVerdict!.Code, Is.EqualTo("budget.exceeded:tenant-month-usd"));
            Assert.That(second.DecisiveVerdict.Evidence[BudgetCodes.EvidenceResetsAt], Does.EndWith("-01T00:00:00Z"));
            Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(1), "the denied call never reached the model");
            Assert.That(alerts.Select(a => (a.LimitName, a.Threshold, a.Denied)), Is.EqualTo(new[] { ("tenant-month-usd", 0.5, false), ("tenant-month-usd", 1.0, true) }));
            Assert.That(alerts[0].Key, Is.EqualTo("acme"));
        });
    }

    [Test]
    public async Task Every_re_ask_is_a_billed_request_of_its_own()
    {
        await using var host = await IntegrationHost.StartAsync(o =>
        {
            o.Moderation.Enabled = false;
            o.Budget.Limits.Add(new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Day, Requests = 10 });
        });
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("not json").WithUsage(50, 10));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("{\"city\":\"Paris\"}").WithUsage(80, 12));

        var result = await host.Client.CompleteAsync<CityAnswer>(IntegrationHost.Ask("Which city?"));
        var usage = await host.Services.GetRequiredService<IBudgetUsageReader>().GetUsageAsync(
            BudgetScope.User, IntegrationHost.SafetyIdentifierOf("user-1"), BudgetWindow.Day, CancellationToken.None);

        Assert.That(result.Value!.City, Is.EqualTo("Paris"));
        Assert.That((usage.Requests, usage.Tokens, usage.HeldRequests), Is.EqualTo((2L, 152L, 0L)));
    }

    [Test]
    public async Task The_per_user_request_rate_blocks_with_a_retry_after_through_the_drop_in_API()
    {
        await using var host = await IntegrationHost.StartAsync(o =>
        {
            o.Moderation.Enabled = false;
            o.Budget.RequestsPerMinute = 2;
        });

        using (AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("hasty")))
        {
            await host.Client.CompleteChatAsync([ChatMessage.CreateUserMessage("one")]);
            await host.Client.CompleteChatAsync([ChatMessage.CreateUserMessage("two")]);
            var blocked = Assert.ThrowsAsync<SafetyViolationException>(() => host.Client.CompleteChatAsync([ChatMessage.CreateUserMessage("three")]));

            Assert.That(blocked!.Verdict.Code, Is.EqualTo(BudgetCodes.RateLimited));
            Assert.That(int.Parse(blocked.Verdict.Evidence[BudgetCodes.EvidenceRetryAfterSeconds], System.Globalization.CultureInfo.InvariantCulture), Is.InRange(1, 31));
        }
    }

    private static SafeChatRequest AskFor(string user) =>
        new([ChatMessage.CreateUserMessage("What is the capital of France?")]) { Identity = new SafetyIdentity(user, TenantId: "acme") };

    public sealed record CityAnswer(string City);
}
