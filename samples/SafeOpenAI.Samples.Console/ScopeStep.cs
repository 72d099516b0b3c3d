using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;
using SafeOpenAI.Testing;

namespace SafeOpenAI.Samples.Console;

/// <summary>
/// The scope step of the tour, on its own client: the off-topic check asks a small judge model
/// whether a question is within the shop's scope before the main model is asked, and the judge's
/// own tokens and cost are reported and charged to the user's budget.
/// </summary>
internal static class ScopeStep
{
    private const string Scope = "Customer support for an online shop: orders, returns, refunds, shipping and products.";

    public static async Task RunAsync(LocalOpenAIEndpoint? local, ResultPrinter printer, TextWriter output, int step, CancellationToken cancellationToken)
    {
        output.WriteLine();
        output.WriteLine($"[{step}] Off-topic check: a small judge model ({ScopeCheckOptions.DefaultJudgeModel}) keeps the assistant to \"{Scope}\"; " +
            (local is null ? "the real judge decides." : "offline, a word-overlap stand-in answers for the judge (not a classifier)."));
        using var host = SampleHost.Build(local?.BaseUri, moreStages: b => b.AddOffTopicCheck(Scope));
        await host.StartAsync(cancellationToken);
        var client = host.Services.GetRequiredService<SafeChatClient>();
        if (local is not null)
        {
            local.Chat.Handler = OfflineScopeJudge.Answer;
        }

        try
        {
            foreach (var question in new[] { "Where is my order? It should have shipped on Monday.", "Can you write a poem about the sea?" })
            {
                var before = local?.ChatRequests.Count ?? 0;
                var result = await client.CompleteAsync(
                    new SafeChatRequest([ChatMessage.CreateSystemMessage("You are the shop's support assistant."), ChatMessage.CreateUserMessage(question)])
                    {
                        Identity = new SafetyIdentity("omar", "tour-session"),
                    },
                    cancellationToken);
                printer.Print(step, result);
                foreach (var judge in result.StageModelUsages)
                {
                    output.WriteLine(string.Create(
                        CultureInfo.InvariantCulture,
                        $"      {judge.Stage} judge: {judge.Usage.InputTokens}/{judge.Usage.OutputTokens} tokens, {judge.CostUsd:0.000000} USD, charged to the user's budget"));
                }

                if (local is not null)
                {
                    var models = local.ChatRequests.Skip(before).Select(r => r.Model);
                    output.WriteLine($"      chat requests: {string.Join(", ", models)}");
                }
            }
        }
        finally
        {
            if (local is not null)
            {
                local.Chat.Handler = null;
            }

            await host.StopAsync(cancellationToken);
        }
    }
}
