using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;
using SafeOpenAI.Testing;

namespace SafeOpenAI.Samples.Console;

/// <summary>
/// The curated-answers step of the tour, on its own client: a small help centre
/// (<c>help-centre.json</c>) answers a question it covers without calling the model, and gives the
/// model its closest article as a source for a question it covers only in part.
/// </summary>
internal static class CuratedStep
{
    public static async Task RunAsync(LocalOpenAIEndpoint? local, ResultPrinter printer, TextWriter output, int step, CancellationToken cancellationToken)
    {
        var knowledgeBase = CuratedKnowledgeBase.LoadJson(Path.Combine(AppContext.BaseDirectory, "help-centre.json"));
        output.WriteLine();
        output.WriteLine($"[{step}] Curated answers: questions the help centre ({knowledgeBase.Articles.Count} articles, BM25) answers with confidence get the article itself, with no model call and no tokens");
        using var host = SampleHost.Build(local?.BaseUri, moreStages: b => b.AddCuratedAnswers(knowledgeBase));
        await host.StartAsync(cancellationToken);
        var client = host.Services.GetRequiredService<SafeChatClient>();
        var before = local?.ChatRequests.Count ?? 0;

        var hit = await client.CompleteAsync(Ask("How do I reset my password?"), cancellationToken);
        printer.Print(step, hit);
        if (local is not null)
        {
            output.WriteLine($"      chat requests the model received for it: {local.ChatRequests.Count - before}");
        }

        var miss = await client.CompleteAsync(Ask("Can I export my notes as a Word file?"), cancellationToken);
        printer.Print(step, miss);
        if (miss.Verdicts.FirstOrDefault(v => v.Code == CuratedAnswerRouter.SourcesAddedCode) is { } added)
        {
            output.WriteLine($"      a partial match (confidence {added.Evidence["confidence"]}): article {added.Evidence["article_ids"]} went to the model as a source");
        }

        await host.StopAsync(cancellationToken);
    }

    private static SafeChatRequest Ask(string text) =>
        new([ChatMessage.CreateSystemMessage("You are the help desk of Contoso Notes."), ChatMessage.CreateUserMessage(text)])
        {
            Identity = new SafetyIdentity("nina", "tour-session"),
        };
}
