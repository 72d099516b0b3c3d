using OpenAI.Chat;
using SafeOpenAI.Testing;

namespace SafeOpenAI.Samples.Console;

/// <summary>The structured-output step of the tour: <c>CompleteAsync&lt;T&gt;</c>, and offline a re-ask that repairs a bad answer.</summary>
internal static class StructuredOutputStep
{
    public static async Task RunAsync(SafeChatClient client, LocalOpenAIEndpoint? local, ResultPrinter printer, TextWriter output, int step, CancellationToken cancellationToken)
    {
        output.WriteLine();
        output.WriteLine($"[{step}] Structured output: CompleteAsync<CityFacts> sends the record's JSON schema as a strict response format and returns a checked, typed value");
        var request = new SafeChatRequest([ChatMessage.CreateUserMessage("Give me the key facts about Lyon.")])
        {
            Identity = new SafetyIdentity("mallory", "tour-session"),
        };
        var result = await client.CompleteAsync<CityFacts>(request, cancellationToken: cancellationToken);
        printer.Print(step, result);
        if (result.Value is { } facts)
        {
            output.WriteLine($"      Value: City = \"{facts.City}\", Country = \"{facts.Country}\", Population = {facts.Population}, Landmarks = [{string.Join(", ", facts.Landmarks)}]");
        }

        if (local is null)
        {
            return;
        }

        // Offline only: the first answer is scripted to break the schema (the population as text);
        // the validator re-asks with the error path and the offline model's second answer passes.
        local.Chat.Enqueue(ScriptedChatResponse.Text("{\"city\":\"Lyon\",\"country\":\"France\",\"population\":\"about half a million\",\"landmarks\":[]}"));
        output.WriteLine();
        output.WriteLine($"[{step}] Structured output re-ask: the first answer breaks the schema (scripted on the local endpoint), the model is asked again with \"$.population: type\"");
        var repaired = await client.CompleteAsync<CityFacts>(request, cancellationToken: cancellationToken);
        printer.Print(step, repaired);
        if (repaired.Verdicts.FirstOrDefault(v => v.Code == SafetyPipeline.ReaskCode) is { } reask)
        {
            output.WriteLine($"      {reask.Code}: attempt {reask.Evidence["attempt"]}, {reask.Evidence["reason"]}, errors \"{reask.Evidence["errors"]}\"; tokens are summed over both attempts");
        }
    }

    /// <summary>What the model is asked to return.</summary>
    /// <param name="City">The city's name.</param>
    /// <param name="Country">The country it is in.</param>
    /// <param name="Population">Inhabitants of the city proper.</param>
    /// <param name="Landmarks">A few well-known sights.</param>
    internal sealed record CityFacts(string City, string Country, int Population, IReadOnlyList<string> Landmarks);
}
