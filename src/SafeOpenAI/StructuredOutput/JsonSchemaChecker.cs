using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NJsonSchema.Validation;
using NJsonSchemaDocument = NJsonSchema.JsonSchema;

namespace SafeOpenAI;

/// <summary>
/// Validates JSON text against a JSON Schema document with NJsonSchema and reports each error by
/// location and keyword only, never by value: the one schema check behind structured output
/// (<see cref="JsonSchemaValidator"/>) and tool-call arguments (<see cref="ToolCallValidator"/>).
/// Parsed schemas are cached by their JSON text (at most 256; the cache is emptied when full).
/// Thread-safe.
/// </summary>
internal sealed class JsonSchemaChecker
{
    private const int MaxCachedSchemas = 256;

    private static readonly JsonDocumentOptions s_strictJson = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 256 };

    private readonly ConcurrentDictionary<string, Lazy<Task<NJsonSchemaDocument>>> _schemas = new(StringComparer.Ordinal);

    /// <summary>Validates <paramref name="text"/>, already known to be JSON, against <paramref name="schemaText"/>.</summary>
    /// <returns>The distinct errors, in the order NJsonSchema reports them; empty when the text is valid.</returns>
    /// <exception cref="ArgumentException">The schema is not a valid JSON Schema document.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<IReadOnlyList<SchemaError>> ValidateAsync(string schemaText, string text, CancellationToken cancellationToken)
    {
        var document = await GetSchemaAsync(schemaText).WaitAsync(cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var errors = new List<SchemaError>();
        Collect(document.Validate(ReadForValidation(text)), errors);
        return errors.Count == 0 ? [] : errors.Distinct().ToList();
    }

    /// <summary>
    /// Reads the text as NJsonSchema's <c>Validate(string)</c> does (dates stay strings), but to the
    /// nesting depth <see cref="TryParse"/> accepts: Json.NET's default of 64 made an answer nested
    /// 65 to 256 levels deep throw <see cref="Newtonsoft.Json.JsonReaderException"/> out of the call.
    /// </summary>
    private static Newtonsoft.Json.Linq.JToken ReadForValidation(string text)
    {
        using var reader = new StringReader(text);
        using var json = new Newtonsoft.Json.JsonTextReader(reader) { DateParseHandling = Newtonsoft.Json.DateParseHandling.None, MaxDepth = s_strictJson.MaxDepth };
        return Newtonsoft.Json.Linq.JToken.ReadFrom(json);
    }

    /// <summary>Parses <paramref name="text"/> as one strict JSON document (RFC 8259); on failure <paramref name="syntaxError"/> gives the line and byte, never the text.</summary>
    public static bool TryParse(string text, out string syntaxError)
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
        catch (ArgumentException)
        {
            // A lone surrogate (a model may send one as a \uD800 escape) cannot be transcoded to UTF-8, so it is not JSON text.
            syntaxError = " (invalid UTF-16)";
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
    internal readonly record struct SchemaError(string EvidencePath, string FeedbackPath, string Keyword, string Detail, ValidationErrorKind Kind)
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

        /// <summary>
        /// Gets <see cref="EvidencePath"/> as a JSON pointer (RFC 6901) in its URI fragment form:
        /// <c>#</c> for the whole document, <c>#/items/2/name</c> for <c>$.items[2].name</c>.
        /// </summary>
        public string EvidencePointer
        {
            get
            {
                var builder = new System.Text.StringBuilder("#");
                var path = EvidencePath.AsSpan(1);
                while (!path.IsEmpty)
                {
                    int end;
                    if (path[0] == '[')
                    {
                        end = path.IndexOf(']');
                        end = end < 0 ? path.Length : end;
                        builder.Append('/').Append(path[1..end]);
                        path = end < path.Length ? path[(end + 1)..] : [];
                        continue;
                    }

                    var segment = path[0] == '.' ? path[1..] : path;
                    end = segment.IndexOfAny('.', '[');
                    end = end < 0 ? segment.Length : end;
                    builder.Append('/').Append(segment[..end].ToString().Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
                    path = segment[end..];
                }

                return builder.ToString();
            }
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
