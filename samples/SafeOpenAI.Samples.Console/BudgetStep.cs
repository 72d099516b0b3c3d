using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenAI.Chat;

namespace SafeOpenAI.Samples.Console;

/// <summary>
/// Budgets on a client of their own: one chat session may spend 700 tokens an hour, and the
/// tenant "bakery" USD 0.0005 a month. Alerts at 50 % and 100 % are printed as they are raised.
/// </summary>
internal static class BudgetStep
{
    public static async Task RunAsync(Uri? localEndpoint, ResultPrinter printer, TextWriter output, int step, CancellationToken cancellationToken)
    {
        using var host = SampleHost.Build(
            localEndpoint,
            o =>
            {
                o.Budget.Limits.Clear();
                o.Budget.Limits.Add(new BudgetLimit { Scope = BudgetScope.Session, Window = BudgetWindow.Hour, Tokens = 700 });
                o.Budget.Limits.Add(new BudgetLimit { Scope = BudgetScope.Tenant, Window = BudgetWindow.Month, CostUsd = 0.0005m });
                o.Budget.AlertThresholds.Clear();
                o.Budget.AlertThresholds.Add(0.5);
                o.Budget.AlertThresholds.Add(1.0);
            },
            b => b.AddBudgetAlertSink<ConsoleBudgetAlertSink>());
        await host.StartAsync(cancellationToken);
        var client = host.Services.GetRequiredService<SafeChatClient>();
        var erin = new SafetyIdentity("erin", "erin-chat-1", "bakery");

        output.WriteLine();
        output.WriteLine($"[{step}] Budgets: a chat session may spend 700 tokens an hour, the tenant 'bakery' USD 0.0005 a month; a reservation holds the prompt plus the max output tokens and their price");
        var first = await client.CompleteAsync(
            new SafeChatRequest([ChatMessage.CreateUserMessage("Name a prime number.")])
            {
                Identity = erin,
                Options = new ChatCompletionOptions { MaxOutputTokenCount = 400 },
            },
            cancellationToken);
        printer.Print(step, first);

        using (AmbientSafetyIdentityAccessor.Use(erin))
        {
            try
            {
                // The drop-in ChatClient API: a block surfaces as SafetyViolationException.
                await client.CompleteChatAsync(
                    [ChatMessage.CreateUserMessage("Now write an essay on prime numbers.")],
                    new ChatCompletionOptions { MaxOutputTokenCount = 640 },
                    cancellationToken);
                output.WriteLine("      (not blocked: the budget was larger than expected)");
            }
            catch (SafetyViolationException ex)
            {
                output.WriteLine($"{step,5}  drop-in CompleteChatAsync threw SafetyViolationException: {ex.Verdict.Code} — {ex.Verdict.UserMessage}");
            }
        }

        // frank is in the same tenant: 800 output tokens of gpt-4o-mini may cost USD 0.00048, more than the tenant has left.
        var frank = await client.CompleteAsync(
            new SafeChatRequest([ChatMessage.CreateUserMessage("Summarise our bakery's week.")])
            {
                Identity = new SafetyIdentity("frank", TenantId: "bakery"),
                Options = new ChatCompletionOptions { MaxOutputTokenCount = 800 },
            },
            cancellationToken);
        printer.Print(step, frank);

        var usage = await host.Services.GetRequiredService<IBudgetUsageReader>().GetUsageAsync(BudgetScope.Tenant, "bakery", BudgetWindow.Month, cancellationToken);
        output.WriteLine($"{step,5}  tenant 'bakery' this month: {usage.Requests} request(s), {usage.Tokens} tokens, USD {usage.CostUsd:0.000000} of 0.0005; resets {usage.ResetsAt:yyyy-MM-dd HH:mm}Z");
        await host.StopAsync(cancellationToken);
    }

    /// <summary>Prints each budget alert; a real application pages someone or posts to a channel.</summary>
    private sealed class ConsoleBudgetAlertSink : IBudgetAlertSink
    {
        public ValueTask PublishAsync(BudgetAlert alert, CancellationToken cancellationToken)
        {
            System.Console.WriteLine($"      budget alert: {alert.LimitName} of '{alert.Key}' reached {alert.Threshold:P0} ({alert.Used} of {alert.Limit}{(alert.Denied ? ", a call was denied" : string.Empty)})");
            return ValueTask.CompletedTask;
        }
    }
}
