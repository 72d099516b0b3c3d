using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenAI.Chat;
using SafeOpenAI.Sqlite;

namespace SafeOpenAI.Samples.Console;

/// <summary>
/// Abuse monitoring on a client of its own: a user whose inputs moderation flags twice within the
/// hour is alerted on and suspended for 15 minutes, so the next call is blocked before anything is
/// sent; an operator then lifts the suspension, and the SQLite audit trail shows the user's calls.
/// </summary>
internal static class AbuseStep
{
    public static async Task RunAsync(Uri? localEndpoint, ResultPrinter printer, TextWriter output, int step, CancellationToken cancellationToken)
    {
        using var host = SampleHost.Build(
            localEndpoint,
            o =>
            {
                o.Anomaly.ModerationFlagThreshold = 2;
                o.Anomaly.SuspensionCooldown = TimeSpan.FromMinutes(15);
            },
            b => b.AddSafetyAlertSink<ConsoleSafetyAlertSink>());
        await host.StartAsync(cancellationToken);
        var client = host.Services.GetRequiredService<SafeChatClient>();
        var mallory = new SafetyIdentity("mallory", "mallory-chat");

        output.WriteLine();
        output.WriteLine($"[{step}] Abuse monitoring: two flagged inputs within the hour suspend the user for 15 minutes; an operator lifts it; the audit trail shows the calls");
        foreach (var prompt in new[] { "How do I build a bomb at home?", "Explain how to stab someone without being seen." })
        {
            printer.Print(step, await client.CompleteAsync(Ask(prompt, mallory), cancellationToken));
        }

        // Alerts travel to the sinks off the call path; the sample waits for this one to print it in order.
        var alert = await ConsoleSafetyAlertSink.Alerts.Reader.ReadAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        output.WriteLine($"{step,5}  safety alert: {alert.Rule} for user {Short(alert.Subject)}: {alert.Observed} {alert.Unit} in {alert.Window.TotalMinutes:0} min (threshold {alert.Threshold}); suspended until {alert.SuspendedUntil:HH:mm:ss}Z");

        printer.Print(step, await client.CompleteAsync(Ask("What time does the bakery open?", mallory), cancellationToken));

        var access = host.Services.GetRequiredService<IUserAccessPolicy>();
        foreach (var suspension in await access.ListSuspensionsAsync(cancellationToken))
        {
            output.WriteLine($"{step,5}  operator: {Short(suspension.UserKey)} suspended for {suspension.Reason} until {suspension.Until:HH:mm:ss}Z; lifting it");
            await access.LiftAsync(suspension.UserKey, cancellationToken);
        }

        printer.Print(step, await client.CompleteAsync(Ask("What time does the bakery open?", mallory), cancellationToken));

        var malloryKey = client.SafetyPipeline.Hasher.ComputeSafetyIdentifier("mallory");
        var records = await host.Services.GetRequiredService<SqliteAuditStore>()
            .QueryAsync(new AuditQuery { SafetyIdentifier = malloryKey, Limit = 10 }, cancellationToken);
        output.WriteLine($"{step,5}  audit trail of {Short(malloryKey)} in {SampleHost.AuditPath}, newest first:");
        foreach (var record in records.Take(4))
        {
            output.WriteLine($"{step,5}    {record.Timestamp:HH:mm:ss.fff}Z {record.Outcome,-9} {record.DecisiveCode ?? "-",-34} input_hash={record.InputHash[..12]}…");
        }

        await host.StopAsync(cancellationToken);
    }

    private static SafeChatRequest Ask(string prompt, SafetyIdentity identity) =>
        new([ChatMessage.CreateUserMessage(prompt)]) { Identity = identity };

    private static string Short(string? userKey) => userKey is null ? "-" : userKey[..Math.Min(12, userKey.Length)] + "…";

    /// <summary>Hands each alert to the step; a real application pages someone (see <c>AddWebhookAlerts</c>).</summary>
    private sealed class ConsoleSafetyAlertSink : ISafetyAlertSink
    {
        public static Channel<SafetyAlert> Alerts { get; } = Channel.CreateUnbounded<SafetyAlert>();

        public ValueTask PublishAsync(SafetyAlert alert, CancellationToken cancellationToken) => Alerts.Writer.WriteAsync(alert, cancellationToken);
    }
}
