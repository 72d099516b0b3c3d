using System.Text.Json;

namespace SafeOpenAI.Testing;

/// <summary>
/// An opt-in offline stand-in for a scope judge (<see cref="OpenAIScopeJudge"/>) at
/// <see cref="LocalOpenAIEndpoint"/>: set <c>endpoint.Chat.Handler = OfflineScopeJudge.Answer</c>
/// and every request under the <c>scope_judgement</c> schema gets a deterministic judgement, every
/// other request falls through to the offline model. It is NOT a classifier: it compares words, and
/// says so in every answer's <c>model</c> field (<see cref="ModelName"/>). Use it to run the plumbing
/// offline (the console sample's tour), never to measure detection.
/// </summary>
/// <remarks>
/// <para>
/// Words are runs of at least four letters, lower-cased, with a final <c>s</c> dropped. For an
/// off-topic criterion (one that contains <c>off-topic</c>) the content is flagged when it shares no
/// word with the criterion, which holds the application's scope; for any other criterion it is
/// flagged when it shares at least two. A flagged answer has confidence 0.9, an unflagged one 0.8.
/// </para>
/// <para>Thread-safe: it keeps no state.</para>
/// </remarks>
public static class OfflineScopeJudge
{
    /// <summary>The <c>model</c> field of every answer of the stand-in.</summary>
    public const string ModelName = "offline-scope-judge-standin (NOT a classifier: word overlap)";

    /// <summary>Answers a scope judge's request, or returns <see langword="null"/> for any other request.</summary>
    /// <param name="request">The recorded request.</param>
    /// <returns>The judgement as a scripted answer with usage, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    public static ScriptedChatResponse? Answer(RecordedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Json is not { } body
            || !body.TryGetProperty("response_format", out var format)
            || !format.TryGetProperty("json_schema", out var schema)
            || !schema.TryGetProperty("name", out var name)
            || name.GetString() != OpenAIScopeJudge.SchemaName
            || !body.TryGetProperty("messages", out var messages)
            || messages.GetArrayLength() < 2
            || messages[messages.GetArrayLength() - 1].GetProperty("content").GetString() is not { } data)
        {
            return null;
        }

        using var judged = JsonDocument.Parse(data);
        var criterion = judged.RootElement.GetProperty("criterion").GetString() ?? string.Empty;
        var content = judged.RootElement.GetProperty("content").GetString() ?? string.Empty;
        var shared = Words(criterion).Intersect(Words(content)).Count();
        var flagged = criterion.Contains("off-topic", StringComparison.OrdinalIgnoreCase) ? shared == 0 : shared >= 2;
        var answer = flagged ? """{"flagged":true,"confidence":0.9}""" : """{"flagged":false,"confidence":0.8}""";
        return ScriptedChatResponse.Text(answer)
            .WithUsage(OfflineChatModel.EstimateTokens(data) + OfflineChatModel.TokensPerMessage * 2, OfflineChatModel.EstimateTokens(answer))
            .WithModel(ModelName);
    }

    private static HashSet<string> Words(string text)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && char.IsLetter(text[i]))
            {
                start = start < 0 ? i : start;
                continue;
            }

            if (start >= 0 && i - start >= 4)
            {
                var word = text[start..i].ToLowerInvariant();
                words.Add(word.EndsWith('s') ? word[..^1] : word);
            }

            start = -1;
        }

        return words;
    }
}
