using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenAI.Chat;

namespace SafeOpenAI.Samples.Console;

/// <summary>
/// Human review and user feedback on a client of its own: a question in a declared risk domain
/// (healthcare) is answered by the model but held for a person; a reviewer opens it with the
/// original conversation and the verdicts, and approves it with a note; the waiting caller gets the
/// answer. The user then reports the answer, and the reviewer triages the report next to the call's
/// audit record. Every read is in the access log.
/// </summary>
internal static class ReviewStep
{
    public static async Task RunAsync(Uri? localEndpoint, ResultPrinter printer, TextWriter output, int step, CancellationToken cancellationToken)
    {
        using var host = SampleHost.Build(localEndpoint, moreStages: b => b.AddRiskDomainReview().UseHumanReview());
        await host.StartAsync(cancellationToken);
        var client = host.Services.GetRequiredService<SafeChatClient>();
        var reviews = host.Services.GetRequiredService<IHumanReviewQueue>();
        var feedback = host.Services.GetRequiredService<FeedbackInbox>();
        var dana = new SafetyIdentity("dana", "dana-chat");
        var reviewer = Reviewer("rita");

        output.WriteLine();
        output.WriteLine($"[{step}] Human review: a healthcare question is answered but held for a person, who approves it; the user reports the answer and the reviewer triages the report");
        var held = await client.CompleteAsync(
            new SafeChatRequest([ChatMessage.CreateUserMessage("Can I take ibuprofen together with my blood pressure tablets?")])
            {
                Identity = dana,
                RiskDomain = "healthcare",
            },
            cancellationToken);
        printer.Print(step, held);

        // The caller waits (a web app would poll from the user's page instead); the reviewer works meanwhile.
        var waiting = reviews.WaitForDecisionAsync(held.ReviewId!, cancellationToken);
        foreach (var pending in await reviews.ListAsync(reviewer, null, cancellationToken))
        {
            var item = await reviews.OpenAsync(reviewer, pending.ReviewId, cancellationToken);
            output.WriteLine($"{step,5}  reviewer rita opens {Short(pending.ReviewId)} ({pending.ReasonCode}, due {pending.Deadline:yyyy-MM-dd HH:mm}Z): {item.Material.Conversation.Count} message(s), {item.Material.Verdicts.Count} verdicts, answer of {item.Material.Answer.Length} characters");
            await reviews.ClaimAsync(reviewer, pending.ReviewId, cancellationToken);
            await reviews.ApproveAsync(reviewer, pending.ReviewId, "General information only; advise asking a pharmacist.", cancellationToken);
        }

        var decision = await waiting.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        output.WriteLine($"{step,5}  the caller gets: {decision.Outcome} by {decision.DecidedBy} (note: {decision.Note}); released answer: {Trim(decision.Answer)}");

        var receipt = await feedback.ReportAsync(
            new FeedbackReport(held.AuditId, FeedbackCategory.Wrong, "It did not mention my kidney condition.", held.SafetyIdentifier),
            cancellationToken);
        foreach (var report in await feedback.ListAsync(reviewer, null, cancellationToken))
        {
            var opened = await feedback.OpenAsync(reviewer, report.ReportId, cancellationToken);
            output.WriteLine($"{step,5}  report {Short(report.ReportId)} ({report.Category}) on call {Short(report.AuditId)}: \"{opened.Comment}\"; the call was {opened.AuditRecord?.Outcome.ToString() ?? "not in an audit store"}, review {opened.Review?.Outcome?.ToString() ?? "-"}");
            await feedback.TriageAsync(reviewer, report.ReportId, FeedbackTriageStatus.Confirmed, "Add a pointer to a pharmacist for kidney patients.", cancellationToken);
        }

        foreach (var entry in await reviews.GetAccessLogAsync(reviewer, held.ReviewId!, cancellationToken))
        {
            output.WriteLine($"{step,5}  access log {Short(held.ReviewId)}: {entry.At:HH:mm:ss}Z {entry.Principal} {entry.Action}");
        }

        output.WriteLine($"{step,5}  report {Short(receipt.ReportId)} access log: {string.Join(", ", (await feedback.GetAccessLogAsync(reviewer, receipt.ReportId, cancellationToken)).Select(e => $"{e.Principal} {e.Action}"))}");
        await host.StopAsync(cancellationToken);
    }

    private static ClaimsPrincipal Reviewer(string name) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, "safeopenai-reviewer")], authenticationType: "sample"));

    private static string Short(string? id) => id is null ? "-" : id[..Math.Min(12, id.Length)] + "…";

    private static string Trim(string? text) => text is null ? "(none)" : text.Length <= 80 ? text : text[..80] + "…";
}
