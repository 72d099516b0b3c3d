using System.Globalization;
using System.Text;

namespace SafeOpenAI.Testing;

/// <summary>
/// The deterministic offline model that answers chat completions at <see cref="LocalOpenAIEndpoint"/>
/// when nothing is scripted. It is not a language model: it describes what it received, so that a
/// reader of the answer sees what reached the model, for example
/// <c>[offline model] Received 2 messages (system, user); images: 0; safety_identifier: set; last user message: "Hello"</c>.
/// </summary>
/// <remarks>
/// <para>
/// The last user message's text parts are echoed, joined with a line feed and cut to
/// <see cref="MaxEchoedCharacters"/> characters (an ellipsis marks a cut).
/// </para>
/// <para>
/// A request with a <c>json_schema</c> response format is answered with the smallest JSON value
/// that follows the schema instead (strings read <c>[offline model] NAME</c>, numbers 0, booleans
/// <c>false</c>, arrays empty, enums their first value), so structured-output code runs offline.
/// </para>
/// <para>
/// Token counts are an approximation, not a tokenizer: a text counts
/// <c>ceil(characters / 4)</c> tokens (<see cref="EstimateTokens"/>); the prompt counts, per
/// message, 3 tokens plus its text (every text part and the tool call arguments) plus
/// <see cref="TokensPerImage"/> per image part, plus 3 tokens that prime the reply. The answer
/// counts <see cref="EstimateTokens"/> of its text. When the answer has more tokens than the
/// request's <c>max_completion_tokens</c> (or <c>max_tokens</c>), it is cut to
/// <c>4 × max</c> characters, the completion counts <c>max</c> tokens, and the finish reason is
/// <c>length</c>. Cached and reasoning tokens are reported as 0.
/// </para>
/// <para>Thread-safe: it keeps no state.</para>
/// </remarks>
public static class OfflineChatModel
{
    /// <summary>The marker every offline answer starts with: <c>[offline model]</c>.</summary>
    public const string Marker = "[offline model]";

    /// <summary>The most characters of the last user message that an answer echoes: 500.</summary>
    public const int MaxEchoedCharacters = 500;

    /// <summary>The tokens an image part adds to the prompt estimate: 85 (the price of a low-detail image).</summary>
    public const int TokensPerImage = 85;

    /// <summary>The tokens every message adds to the prompt estimate besides its content: 3.</summary>
    public const int TokensPerMessage = 3;

    /// <summary>Estimates the tokens of a text as <c>ceil(characters / 4)</c>.</summary>
    /// <param name="text">The text; <see langword="null"/> counts 0.</param>
    /// <returns>The estimate, in tokens.</returns>
    public static int EstimateTokens(string? text) => string.IsNullOrEmpty(text) ? 0 : (text.Length + 3) / 4;

    internal static string Answer(ChatRequestInfo request)
    {
        if (request.ResponseSchema is { } schema)
        {
            return OfflineJsonAnswer.Create(schema);
        }

        var builder = new StringBuilder(Marker);
        builder.Append(CultureInfo.InvariantCulture, $" Received {request.Messages.Count} message{(request.Messages.Count == 1 ? string.Empty : "s")} (");
        builder.AppendJoin(", ", request.Messages.Select(m => m.Role));
        builder.Append(CultureInfo.InvariantCulture, $"); images: {request.Messages.Sum(m => m.ImageCount)}");
        builder.Append("; safety_identifier: ").Append(request.SafetyIdentifier is null ? "not set" : "set");
        var lastUser = request.Messages.LastOrDefault(m => string.Equals(m.Role, "user", StringComparison.Ordinal));
        if (lastUser is null)
        {
            builder.Append("; no user message");
        }
        else
        {
            var text = lastUser.Text;
            if (text.Length > MaxEchoedCharacters)
            {
                var cut = MaxEchoedCharacters;
                if (char.IsHighSurrogate(text[cut - 1]))
                {
                    cut--;
                }

                text = string.Concat(text.AsSpan(0, cut), "…");
            }

            builder.Append("; last user message: \"").Append(text).Append('"');
        }

        return builder.ToString();
    }

    internal static int EstimatePromptTokens(ChatRequestInfo request)
    {
        var total = 3;
        foreach (var message in request.Messages)
        {
            total += TokensPerMessage + message.TextTokens + (message.ImageCount * TokensPerImage);
        }

        return total;
    }
}
