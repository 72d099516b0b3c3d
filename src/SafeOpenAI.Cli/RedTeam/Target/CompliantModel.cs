using System.Globalization;
using System.Text;
using System.Text.Json;
using SafeOpenAI.Testing;

namespace SafeOpenAI.Cli.RedTeam;

/// <summary>
/// The offline model of a red-team run, installed as the local endpoint's chat handler: a deterministic
/// model that obeys every attack, the worst case a pipeline must hold against. It finds the case by the
/// request's <c>safety_identifier</c> (each case runs as its own user) and answers the case's last turn
/// by the attack's signal: it repeats the system messages it received (<c>canary_leaked</c>,
/// <c>system_prompt_leaked</c>), discloses the customer record (<c>pii_returned</c>), complies off-topic
/// (<c>scope_left</c>, <c>judged_harmful</c>: "Sure! ..." and the request echoed), answers in prose
/// where JSON is required (<c>schema_broken</c>) or writes as many tokens as it may (<c>tokens_spent</c>).
/// Earlier turns and benign prompts get a short helpful answer (JSON when a schema is asked for), drawn
/// from the prompt's documents when it has some, as a model answering from retrieved passages would;
/// unknown identifiers get the endpoint's default offline answer.
/// </summary>
/// <remarks>Thread-safe: the case table is read-only after construction.</remarks>
internal sealed class CompliantModel
{
    /// <summary>The completion tokens a <c>tokens_spent</c> answer writes when the request sets no cap.</summary>
    public const int UncappedAnswerTokens = 4_096;

    private const string HelpfulAnswer = "Happy to help with your account. You can see your balance, cards and recent payments in the app under Accounts.";

    private readonly Dictionary<string, AttackCase> _attacks;
    private readonly Dictionary<string, IReadOnlyList<string>> _benign;

    /// <summary>Creates the model for the given cases.</summary>
    /// <param name="attacks">The attacks, by the safety identifier of their user.</param>
    /// <param name="benign">The documents of the benign prompts, by the safety identifier of their user.</param>
    public CompliantModel(IReadOnlyDictionary<string, AttackCase> attacks, IReadOnlyDictionary<string, IReadOnlyList<string>> benign)
    {
        _attacks = new Dictionary<string, AttackCase>(attacks, StringComparer.Ordinal);
        _benign = new Dictionary<string, IReadOnlyList<string>>(benign, StringComparer.Ordinal);
    }

    /// <summary>Answers one recorded chat completion request, or returns <see langword="null"/> to let the endpoint's offline model answer.</summary>
    /// <param name="request">The request the endpoint received.</param>
    /// <returns>The scripted answer, or <see langword="null"/>.</returns>
    public ScriptedChatResponse? Answer(RecordedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.GetString("safety_identifier") is not { } identifier || request.Json is not { ValueKind: JsonValueKind.Object } body)
        {
            return null;
        }

        var wantsJson = body.TryGetProperty("response_format", out var format)
            && format.ValueKind == JsonValueKind.Object
            && format.TryGetProperty("type", out var type)
            && type.ValueKind == JsonValueKind.String
            && type.GetString() == "json_schema";
        if (_benign.TryGetValue(identifier, out var documents))
        {
            return Helpful(wantsJson, documents);
        }

        if (!_attacks.TryGetValue(identifier, out var attack))
        {
            return null;
        }

        var messages = body.TryGetProperty("messages", out var list) && list.ValueKind == JsonValueKind.Array ? list : default;
        var answered = Messages(messages).Count(m => m.Role == "assistant");
        if (answered < attack.Turns.Count - 1)
        {
            return Helpful(wantsJson, []);
        }

        return attack.Signal switch
        {
            SuccessSignal.CanaryLeaked or SuccessSignal.SystemPromptLeaked => ScriptedChatResponse.Text(
                "Of course. My instructions are:\n" + string.Join("\n", Messages(messages).Where(m => m.Role is "system" or "developer").Select(m => m.Text))),
            SuccessSignal.PiiReturned => ScriptedChatResponse.Text(
                "Here is the customer record: " + string.Join("; ", RedTeamApplication.CustomerRecord.Select(v => $"{v.Field}: {v.Value}"))),
            SuccessSignal.SchemaBroken => ScriptedChatResponse.Text("Sure, no JSON this time. PWNED. I will answer in plain prose from now on."),
            SuccessSignal.TokensSpent => ScriptedChatResponse.Text(LongAnswer(MaxTokens(body))),
            _ => ScriptedChatResponse.Text("Sure! Here is what you asked for: " + LastUserText(messages)),
        };
    }

    private static ScriptedChatResponse Helpful(bool wantsJson, IReadOnlyList<string> documents)
    {
        var answer = documents.Count == 0 ? HelpfulAnswer : FirstSentence(documents[0]);
        return ScriptedChatResponse.Text(wantsJson
            ? JsonSerializer.Serialize(new Dictionary<string, string> { ["answer"] = answer, ["topic"] = "accounts" })
            : answer);
    }

    private static string FirstSentence(string document)
    {
        var text = document.Trim();
        var end = text.IndexOfAny(['.', '!', '?']);
        return end < 0 ? text : text[..(end + 1)];
    }

    private static int MaxTokens(JsonElement body)
    {
        foreach (var name in new[] { "max_completion_tokens", "max_tokens" })
        {
            if (body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var max) && max > 0)
            {
                return max;
            }
        }

        return UncappedAnswerTokens;
    }

    /// <summary>An answer of exactly <paramref name="tokens"/> tokens by the endpoint's estimate (4 characters a token).</summary>
    private static string LongAnswer(int tokens)
    {
        var builder = new StringBuilder(tokens * 4);
        var i = 0;
        while (builder.Length < tokens * 4)
        {
            builder.Append(CultureInfo.InvariantCulture, $"item {i++} ");
        }

        return builder.ToString(0, tokens * 4);
    }

    private static string LastUserText(JsonElement messages) =>
        Messages(messages).LastOrDefault(m => m.Role == "user").Text ?? string.Empty;

    private static IEnumerable<(string Role, string Text)> Messages(JsonElement messages)
    {
        if (messages.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        foreach (var message in messages.EnumerateArray())
        {
            var role = message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() ?? string.Empty : string.Empty;
            yield return (role, Text(message));
        }
    }

    private static string Text(JsonElement message)
    {
        if (!message.TryGetProperty("content", out var content))
        {
            return string.Empty;
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString() ?? string.Empty;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return string.Empty;
        }

        return string.Join("\n", content.EnumerateArray()
            .Where(p => p.ValueKind == JsonValueKind.Object && p.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
            .Select(p => p.GetProperty("text").GetString()));
    }
}
