using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NJsonSchema.Validation;
using NJsonSchemaDocument = NJsonSchema.JsonSchema;

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
    private const int MaxCachedSchemas = 256;

    private static readonly JsonDocumentOptions s_strictJson = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 256 };

    private readonly ConcurrentDictionary<string, Lazy<Task<NJsonSchemaDocument>>> _schemas = new(StringComparer.Ordinal);

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

        if (!TryParse(text, out var syntaxError))
        {
            var truncated = string.Equals(response.FinishReason, "length", StringComparison.Ordinal);
            var reason = truncated ? "truncated" : "invalid_json";
            var error = "$: " + reason + syntaxError;
            var feedback = truncated
                ? $"The answer was cut off at the output token limit before the JSON was complete ({error}). Reply with a shorter JSON value that follows the JSON schema '{schema.Name}', and nothing else."
                : $"The answer was not valid JSON ({error}). Reply with one JSON value that follows the JSON schema '{schema.Name}', and nothing else: no prose, no code fences.";
            return OutputValidationResult.Reask(Verdict(schema, reason, [error], 1), feedback);
        }

        var document = await GetSchemaAsync(schema.Schema).WaitAsync(cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var errors = new List<SchemaError>();
        Collect(document.Validate(text), errors);
        if (errors.Count == 0)
        {
            return OutputValidationResult.Allow(StageName);
        }

        var distinct = errors.Distinct().ToList();
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

    private static bool TryParse(string text, out string syntaxError)
    {
        syntaxError = string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            syntaxError = " (empty answer)";
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(text, s_strictJson);
            return true;
        }
        catch (JsonException ex)
        {
            // Line and byte position only: the exception's message may quote the answer.
            syntaxError = ex.LineNumber is { } line
                ? string.Create(CultureInfo.InvariantCulture, $" at line {line + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}")
                : string.Empty;
            return false;
        }
    }

    private Task<NJsonSchemaDocument> GetSchemaAsync(string schemaText)
    {
        if (_schemas.Count >= MaxCachedSchemas && !_schemas.ContainsKey(schemaText))
        {
            // Schemas come from code, so a handful are in use; a flood of distinct ones (raw
            // schemas from callers) must not grow the cache without bound.
            _schemas.Clear();
        }

        var entry = _schemas.GetOrAdd(schemaText, static text => new Lazy<Task<NJsonSchemaDocument>>(() => LoadAsync(text)));
        var task = entry.Value;
        if (task.IsFaulted)
        {
            _schemas.TryRemove(new KeyValuePair<string, Lazy<Task<NJsonSchemaDocument>>>(schemaText, entry));
        }

        return task;
    }

    private static async Task<NJsonSchemaDocument> LoadAsync(string schemaText)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(schemaText);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException("The response schema is not valid JSON.", ex);
        }

        if (node is not JsonObject root)
        {
            throw new ArgumentException("The response schema must be a JSON object.");
        }

        RewriteForNJsonSchema(root);
        try
        {
            return await NJsonSchemaDocument.FromJsonAsync(root.ToJsonString()).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new ArgumentException("The response schema is not a JSON Schema document NJsonSchema can read.", ex);
        }
    }

    /// <summary>
    /// Rewrites what NJsonSchema reads differently into equivalents it reads as the specification
    /// means: every <c>const</c> becomes a one-value <c>enum</c> (JSON Schema 2020-12 §6.1.3), and
    /// <c>$defs</c> with its <c>#/$defs/…</c> references becomes draft-07 <c>definitions</c>
    /// (NJsonSchema resolves a <c>$defs</c> entry that refers to itself only under that name).
    /// </summary>
    private static void RewriteForNJsonSchema(JsonNode? node)
    {
        if (node is not JsonObject schema)
        {
            return;
        }

        if (schema.TryGetPropertyValue("const", out var constant) && !schema.ContainsKey("enum"))
        {
            schema.Remove("const");
            schema["enum"] = new JsonArray(constant?.DeepClone());
        }

        if (schema.TryGetPropertyValue("$defs", out var defs) && !schema.ContainsKey("definitions"))
        {
            schema.Remove("$defs");
            schema["definitions"] = defs;
        }

        if (schema["$ref"] is JsonValue reference && reference.TryGetValue<string>(out var pointer)
            && pointer.StartsWith("#/$defs/", StringComparison.Ordinal))
        {
            schema["$ref"] = "#/definitions/" + pointer["#/$defs/".Length..];
        }

        foreach (var (keyword, child) in schema.ToArray())
        {
            switch (keyword)
            {
                case "enum" or "const" or "default" or "examples" or "required":
                    // Values, not schemas.
                    break;
                case "properties" or "definitions" or "patternProperties" or "dependentSchemas":
                    // Maps of names to schemas: the names are not keywords.
                    if (child is JsonObject map)
                    {
                        foreach (var (_, subschema) in map.ToArray())
                        {
                            RewriteForNJsonSchema(subschema);
                        }
                    }

                    break;
                default:
                    if (child is JsonArray list)
                    {
                        foreach (var item in list)
                        {
                            RewriteForNJsonSchema(item);
                        }
                    }
                    else
                    {
                        RewriteForNJsonSchema(child);
                    }

                    break;
            }
        }
    }

    private static void Collect(IEnumerable<ValidationError> errors, List<SchemaError> into)
    {
        foreach (var error in errors)
        {
            if (error is ChildSchemaValidationError child)
            {
                var nested = new List<SchemaError>();
                foreach (var branch in child.Errors.Values)
                {
                    Collect(branch, nested);
                }

                if (error.Kind is ValidationErrorKind.NotAnyOf or ValidationErrorKind.NotOneOf)
                {
                    // A nullable value is anyOf [schema, null]: report what is wrong with the schema
                    // branch, not that the value is also not null.
                    nested.RemoveAll(e => e.Kind == ValidationErrorKind.NullExpected);
                }

                if (nested.Count > 0)
                {
                    into.AddRange(nested);
                    continue;
                }
            }

            into.Add(SchemaError.From(error));
        }
    }

    /// <summary>One validation error, by location and keyword only.</summary>
    private readonly record struct SchemaError(string EvidencePath, string FeedbackPath, string Keyword, string Detail, ValidationErrorKind Kind)
    {
        public static SchemaError From(ValidationError error)
        {
            var path = ToJsonPath(error.Path);
            var evidencePath = path;
            if (error.Kind == ValidationErrorKind.NoAdditionalPropertiesAllowed)
            {
                // The property name is the model's invention: the evidence names the object that holds it.
                evidencePath = ParentPath(path, error.Property);
            }

            return new SchemaError(evidencePath, path, KeywordOf(error.Kind), error.Kind.ToString(), error.Kind);
        }

        private static string ToJsonPath(string? path)
        {
            if (string.IsNullOrEmpty(path) || path == "#" || path == "#/")
            {
                return "$";
            }

            var rest = path.StartsWith("#/", StringComparison.Ordinal) ? path[2..] : path.TrimStart('#');
            return rest.StartsWith('[') ? "$" + rest : "$." + rest;
        }

        private static string ParentPath(string path, string? property)
        {
            if (!string.IsNullOrEmpty(property))
            {
                if (path.EndsWith("." + property, StringComparison.Ordinal))
                {
                    return path[..^(property.Length + 1)];
                }

                if (path.EndsWith(property, StringComparison.Ordinal) && path.Length > property.Length)
                {
                    return path[..^property.Length].TrimEnd('.');
                }
            }

            var dot = path.LastIndexOf('.');
            return dot > 0 ? path[..dot] : "$";
        }

        private static string KeywordOf(ValidationErrorKind kind) => kind switch
        {
            ValidationErrorKind.StringExpected or ValidationErrorKind.NumberExpected or ValidationErrorKind.IntegerExpected
                or ValidationErrorKind.BooleanExpected or ValidationErrorKind.ObjectExpected or ValidationErrorKind.ArrayExpected
                or ValidationErrorKind.NullExpected or ValidationErrorKind.NoTypeValidates => "type",
            ValidationErrorKind.DateTimeExpected or ValidationErrorKind.DateExpected or ValidationErrorKind.TimeExpected
                or ValidationErrorKind.TimeSpanExpected or ValidationErrorKind.UriExpected or ValidationErrorKind.IpV4Expected
                or ValidationErrorKind.IpV6Expected or ValidationErrorKind.GuidExpected or ValidationErrorKind.UuidExpected
                or ValidationErrorKind.EmailExpected or ValidationErrorKind.HostnameExpected or ValidationErrorKind.Base64Expected => "format",
            ValidationErrorKind.PropertyRequired => "required",
            ValidationErrorKind.NoAdditionalPropertiesAllowed or ValidationErrorKind.AdditionalPropertiesNotValid => "additionalProperties",
            ValidationErrorKind.NotInEnumeration => "enum",
            ValidationErrorKind.PatternMismatch => "pattern",
            ValidationErrorKind.StringTooShort => "minLength",
            ValidationErrorKind.StringTooLong => "maxLength",
            ValidationErrorKind.NumberTooSmall => "minimum",
            ValidationErrorKind.NumberTooBig or ValidationErrorKind.IntegerTooBig => "maximum",
            ValidationErrorKind.TooManyItems => "maxItems",
            ValidationErrorKind.TooFewItems => "minItems",
            ValidationErrorKind.ItemsNotUnique => "uniqueItems",
            ValidationErrorKind.NumberNotMultipleOf or ValidationErrorKind.IntegerNotMultipleOf => "multipleOf",
            ValidationErrorKind.NotAnyOf => "anyOf",
            ValidationErrorKind.NotOneOf => "oneOf",
            ValidationErrorKind.NotAllOf => "allOf",
            ValidationErrorKind.ExcludedSchemaValidates => "not",
            ValidationErrorKind.TooManyProperties => "maxProperties",
            ValidationErrorKind.TooFewProperties => "minProperties",
            ValidationErrorKind.ArrayItemNotValid or ValidationErrorKind.AdditionalItemNotValid or ValidationErrorKind.TooManyItemsInTuple => "items",
            _ => "invalid",
        };
    }
}
