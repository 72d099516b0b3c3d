using System.ClientModel;
using System.Globalization;
using System.Text.Json;
using OpenAI.Chat;

namespace SafeOpenAI;

/// <summary>
/// An <see cref="IScopeJudge"/> that asks an OpenAI chat model (a small one, such as
/// <c>gpt-4.1-mini</c>) with the answer constrained by a strict <c>json_schema</c> response format
/// (OpenAI Structured Outputs, https://platform.openai.com/docs/guides/structured-outputs):
/// <c>{"flagged":true,"confidence":0.93}</c>, the output of OpenAI Guardrails' LLM checks without
/// the optional reasoning, which their evaluation found costs latency without gaining detection
/// (docs/ref/checks/llm_base.md, <c>include_reasoning</c>).
/// </summary>
/// <remarks>
/// <para>
/// It sends <see cref="ScopeJudgeRequest.Prompt"/> as it is (the messages the pipeline budgeted) at
/// temperature 0. The answer is checked strictly: an SDK failure, a refusal, a stop at the token cap,
/// JSON that does not parse or match the schema, or a confidence outside 0–1 throws
/// <see cref="ScopeJudgeException"/>, with the tokens the unusable answer billed when there was one.
/// Nothing passes silently.
/// </para>
/// <para>
/// Give it an unguarded <see cref="ChatClient"/> (not the <see cref="SafeChatClient"/>, which would
/// run the pipeline again). Thread-safe: the SDK's <see cref="ChatClient"/> is.
/// </para>
/// </remarks>
public sealed class OpenAIScopeJudge : IScopeJudge
{
    /// <summary>The name of the strict JSON schema the judge answers in: <c>scope_judgement</c>.</summary>
    public const string SchemaName = "scope_judgement";

    private static readonly BinaryData s_schema = BinaryData.FromString("""
        {
          "type": "object",
          "properties": {
            "flagged": { "type": "boolean" },
            "confidence": { "type": "number" }
          },
          "required": ["flagged", "confidence"],
          "additionalProperties": false
        }
        """);

    private readonly ChatClient _client;
    private readonly int _maxOutputTokens;

    /// <summary>Creates the judge.</summary>
    /// <param name="client">The chat client of the judge model; its model name is the one asked.</param>
    /// <param name="maxOutputTokens">The cap on the judge's answer, in tokens. Default 64; from 16 to 1,024.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxOutputTokens"/> is outside 16–1,024.</exception>
    public OpenAIScopeJudge(ChatClient client, int maxOutputTokens = 64)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOutputTokens, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxOutputTokens, 1_024);
        _client = client;
        _maxOutputTokens = maxOutputTokens;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    public async ValueTask<ScopeJudgement> JudgeAsync(ScopeJudgeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = new ChatCompletionOptions
        {
            MaxOutputTokenCount = _maxOutputTokens,
            Temperature = 0f,
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat(SchemaName, s_schema, jsonSchemaIsStrict: true),
        };
        var messages = request.Prompt.Select(ToChatMessage).ToArray();

        ChatCompletion completion;
        try
        {
            completion = (await _client.CompleteChatAsync(messages, options, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (ClientResultException ex)
        {
            // An error answer bills nothing (OpenAI bills completed requests).
            throw new ScopeJudgeException(string.Create(CultureInfo.InvariantCulture, $"The scope judge call failed (HTTP {ex.Status})."), ex);
        }
        catch (HttpRequestException ex)
        {
            throw new ScopeJudgeException("The scope judge could not be reached.", ex);
        }

        var usage = UsageOf(completion);
        if (!string.IsNullOrEmpty(completion.Refusal))
        {
            throw new ScopeJudgeException("The scope judge refused.", usage);
        }

        if (completion.FinishReason == ChatFinishReason.Length)
        {
            throw new ScopeJudgeException("The scope judge's answer stopped at its token cap.", usage);
        }

        var text = completion.Content.Count > 0 ? completion.Content[0].Text : null;
        var (flagged, confidence) = Parse(text, usage);
        return new ScopeJudgement(flagged, confidence, usage);
    }

    /// <summary>Reads the judge's JSON.</summary>
    /// <param name="json">The model's answer.</param>
    /// <param name="usage">What the answer billed, carried by the exception.</param>
    /// <returns>Whether the criterion is met and the confidence.</returns>
    /// <exception cref="ScopeJudgeException">The text is not JSON of the schema, or the confidence is outside 0–1.</exception>
    internal static (bool Flagged, double Confidence) Parse(string? json, ModelCallUsage? usage)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new ScopeJudgeException("The scope judge returned no text.", usage);
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("flagged", out var flagged) || flagged.ValueKind is not (JsonValueKind.True or JsonValueKind.False)
                || !root.TryGetProperty("confidence", out var confidence) || confidence.ValueKind != JsonValueKind.Number
                || !confidence.TryGetDouble(out var value))
            {
                throw new ScopeJudgeException("The scope judge's answer does not match the schema (flagged: boolean, confidence: number).", usage);
            }

            if (double.IsNaN(value) || value is < 0 or > 1)
            {
                throw new ScopeJudgeException(string.Create(CultureInfo.InvariantCulture, $"The scope judge's confidence {value} is outside 0–1."), usage);
            }

            return (flagged.GetBoolean(), value);
        }
        catch (JsonException)
        {
            throw new ScopeJudgeException("The scope judge's answer is not valid JSON.", usage);
        }
    }

    private static ModelCallUsage? UsageOf(ChatCompletion completion)
    {
        var model = string.IsNullOrEmpty(completion.Model) ? null : completion.Model;
        return completion.Usage is { } usage
            ? new ModelCallUsage(model ?? "unknown", new TokenUsage(usage.InputTokenCount, usage.OutputTokenCount, usage.InputTokenDetails?.CachedTokenCount ?? 0, usage.OutputTokenDetails?.ReasoningTokenCount ?? 0))
            : null;
    }

    private static ChatMessage ToChatMessage(SafetyMessage message) => message.Role switch
    {
        MessageRole.System => ChatMessage.CreateSystemMessage(message.Text),
        MessageRole.Developer => ChatMessage.CreateDeveloperMessage(message.Text),
        MessageRole.Assistant => ChatMessage.CreateAssistantMessage(message.Text),
        _ => ChatMessage.CreateUserMessage(message.Text),
    };
}
