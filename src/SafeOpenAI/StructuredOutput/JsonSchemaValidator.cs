using System.Globalization;
using System.Text;

namespace SafeOpenAI;

/// <summary>
/// Checks a structured-output answer against the request's <see cref="SafetyRequest.ResponseSchema"/>
/// (a <c>json_schema</c> response format, or the schema <c>SafeChatClient.CompleteAsync&lt;T&gt;</c>
/// generates from <c>T</c>) and, when it fails, asks the model again with the errors: the "reask"
/// of Guardrails AI, bounded by <see cref="SafeOpenAIOptions.MaxReasks"/>.
/// </summary>
/// <remarks>
/// <para>
/// Registered by <c>AddSafeOpenAI</c> as the first output validator. Its scope is
/// <see cref="OutputValidationScope.None"/> when the request has no schema (it then costs nothing)
/// and <see cref="OutputValidationScope.WholeAnswer"/> otherwise: a JSON document can only be
/// judged whole.
/// </para>
/// <para>
/// The answer text must be one JSON document (RFC 8259, as <c>System.Text.Json</c> reads it, the
/// reader that later deserialises it) that validates against the schema. Validation uses
/// NJsonSchema, which covers the keywords of OpenAI strict schemas
/// (https://platform.openai.com/docs/guides/structured-outputs#supported-schemas): <c>type</c>
/// (also as an array), <c>properties</c>, <c>required</c>, <c>additionalProperties</c>,
/// <c>items</c>, <c>enum</c>, <c>anyOf</c>, <c>$ref</c> to <c>#</c>, <c>#/$defs/…</c> or any JSON
/// pointer, <c>pattern</c>, <c>format</c>, <c>minimum</c>/<c>maximum</c> (also exclusive),
/// <c>multipleOf</c>, <c>minItems</c>/<c>maxItems</c>. <c>const</c>, which NJsonSchema does not
/// evaluate, is checked as the equivalent one-value <c>enum</c>, and <c>$defs</c> as draft-07
/// <c>definitions</c> (NJsonSchema resolves a self-referencing <c>$defs</c> entry only under that name).
/// </para>
/// <para>
/// Outcomes: Allow; an answer with tool calls and no text is not a structured answer and is
/// allowed (the schema applies to the final answer). Every failure is a
/// <see cref="OutputValidationResult.Reask"/> whose Block verdict (code <c>schema.invalid</c>) is
/// used when the attempts are spent; its reasons are <c>refusal</c>, <c>invalid_json</c>,
/// <c>truncated</c> (not valid JSON and the finish reason is <c>length</c>: the token cap cut it)
/// and <c>schema_violation</c>. The reask after a refusal does not press the model: it says that
/// refusing again is acceptable, so a request the model declines for safety reasons ends blocked
/// after <see cref="SafeOpenAIOptions.MaxReasks"/> attempts (set it to 0 to block at once), while a
/// spurious refusal of a harmless request gets its second chance.
/// </para>
/// <para>
/// Evidence: <c>reason</c>, <c>schema</c> (the schema's name), <c>error_count</c> and
/// <c>errors</c>: at most <see cref="MaxReportedErrors"/> entries of the form
/// <c>$.path: keyword</c> (for example <c>$.age: type</c>, <c>$.items[2].name: required</c>,
/// <c>$: invalid_json at line 1, byte 17</c>) joined with <c>"; "</c>. Paths name schema
/// properties and array indexes only: an unexpected property is reported at the object that holds
/// it, so no value or key the model made up ever reaches a verdict or a log. The feedback sent to
/// the model lists the same errors (it may name the unexpected keys: they are the model's own
/// output).
/// </para>
/// <para>
/// Parsed schemas are cached by their JSON text (at most 256; the cache is emptied when full).
/// Time is linear in the answer's size for the schemas OpenAI accepts. Thread-safe.
/// </para>
/// </remarks>
public sealed class JsonSchemaValidator : IOutputValidator
{
    /// <summary>The verdict code of an answer that does not follow the schema: <c>schema.invalid</c>.</summary>
    public const string InvalidCode = "schema.invalid";

    /// <summary>The most errors listed in a verdict's evidence and in the feedback to the model: 10.</summary>
    public const int MaxReportedErrors = 10;

    private const string StageName = "JsonSchemaValidator";
    private const string UserMessage = "The answer did not follow the required format.";
    
    private readonly JsonSchemaChecker _checker = new();

    /// <summary>Gets the stage name: <c>JsonSchemaValidator</c>.</summary>
    public string Name => StageName;

    /// <summary>Returns <see cref="OutputValidationScope.None"/> when the request has no response schema, otherwise <see cref="OutputValidationScope.WholeAnswer"/>.</summary>
    /// <param name="request">The request as the model received it.</param>
    /// <returns>The scope.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    public OutputValidationScope GetScope(SafetyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.ResponseSchema is null ? OutputValidationScope.None : OutputValidationScope.WholeAnswer;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or <paramref name="response"/> is null.</exception>
    /// <exception cref="ArgumentException">The request's schema is not a valid JSON Schema document.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<OutputValidationResult> ValidateAsync(SafetyRequest request, SafetyResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        cancellationToken.ThrowIfCancellationRequested();
        if (request.ResponseSchema is not { } schema)
        {
            return OutputValidationResult.Allow(StageName);
        }

        var text = response.Text;
        if (!string.IsNullOrEmpty(response.Refusal) && string.IsNullOrWhiteSpace(text))
        {
            var refusal = Verdict(schema, "refusal", ["$: refusal"], 1);
            return OutputValidationResult.Reask(
                refusal,
                $"The answer was a refusal, not JSON that follows the JSON schema '{schema.Name}'. If the request is acceptable, reply with one JSON value that follows the schema and nothing else. If it is not, refusing again is the right answer.");
        }

        if (response.ToolCalls.Count > 0 && string.IsNullOrWhiteSpace(text))
        {
            // A tool-call turn is not the structured answer; the schema applies to the final answer.
            return OutputValidationResult.Allow(StageName);
        }

        if (!JsonSchemaChecker.TryParse(text, out var syntaxError))
        {
            var truncated = string.Equals(response.FinishReason, "length", StringComparison.Ordinal);
            var reason = truncated ? "truncated" : "invalid_json";
            var error = "$: " + reason + syntaxError;
            var feedback = truncated
                ? $"The answer was cut off at the output token limit before the JSON was complete ({error}). Reply with a shorter JSON value that follows the JSON schema '{schema.Name}', and nothing else."
                : $"The answer was not valid JSON ({error}). Reply with one JSON value that follows the JSON schema '{schema.Name}', and nothing else: no prose, no code fences.";
            return OutputValidationResult.Reask(Verdict(schema, reason, [error], 1), feedback);
        }

        var distinct = await _checker.ValidateAsync(schema.Schema, text, cancellationToken).ConfigureAwait(false);
        if (distinct.Count == 0)
        {
            return OutputValidationResult.Allow(StageName);
        }

        var reported = distinct.Take(MaxReportedErrors).ToList();
        var evidenceErrors = reported.Select(e => e.EvidencePath + ": " + e.Keyword).Distinct(StringComparer.Ordinal).ToList();
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $"The answer did not follow the JSON schema '{schema.Name}' ({distinct.Count} error{(distinct.Count == 1 ? string.Empty : "s")}):");
        foreach (var error in reported)
        {
            builder.Append("\n- ").Append(error.FeedbackPath).Append(": ").Append(error.Keyword).Append(" (").Append(error.Detail).Append(')');
        }

        if (distinct.Count > reported.Count)
        {
            builder.Append(CultureInfo.InvariantCulture, $"\n- … and {distinct.Count - reported.Count} more");
        }

        builder.Append("\nReply with one JSON value that follows the schema, and nothing else.");
        return OutputValidationResult.Reask(Verdict(schema, "schema_violation", evidenceErrors, distinct.Count), builder.ToString());
    }

    private static SafetyVerdict Verdict(JsonResponseSchema schema, string reason, IReadOnlyList<string> errors, int errorCount) =>
        SafetyVerdict.Block(
            StageName,
            InvalidCode,
            UserMessage,
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["reason"] = reason,
                ["schema"] = schema.Name,
                ["error_count"] = errorCount.ToString(CultureInfo.InvariantCulture),
                ["errors"] = string.Join("; ", errors),
            });
}
