using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace SafeOpenAI;

/// <summary>
/// Generates the JSON schema of a .NET type with System.Text.Json's <see cref="JsonSchemaExporter"/>
/// and rewrites it into what OpenAI's strict structured outputs accept
/// (https://platform.openai.com/docs/guides/structured-outputs#supported-schemas):
/// <list type="bullet">
/// <item>the root is an object (a nullable root loses its <c>null</c>);</item>
/// <item>every object lists all its properties in <c>required</c> and has <c>additionalProperties: false</c>
/// (optional values stay expressible as a union with <c>null</c>);</item>
/// <item>only supported keywords are kept: <c>type</c>, <c>properties</c>, <c>required</c>,
/// <c>additionalProperties</c>, <c>items</c>, <c>enum</c>, <c>const</c>, <c>anyOf</c>, <c>$ref</c>,
/// <c>$defs</c>, <c>description</c>, <c>pattern</c>, <c>format</c> (date-time, time, date, duration,
/// email, hostname, ipv4, ipv6, uuid), <c>minimum</c>, <c>maximum</c>, <c>exclusiveMinimum</c>,
/// <c>exclusiveMaximum</c>, <c>multipleOf</c>, <c>minItems</c>, <c>maxItems</c>; others
/// (<c>$comment</c>, <c>default</c>, <c>title</c>, <c>minLength</c>, other formats, ...) are dropped;</item>
/// <item>a <c>$ref</c> to a JSON pointer inside the document (the exporter's way of repeating or
/// recursing into a type) is moved to <c>$defs</c>; a reference to the root stays <c>#</c>.</item>
/// </list>
/// Types OpenAI cannot express in strict mode (a dictionary, <see cref="object"/> or
/// <see cref="JsonElement"/> values, a non-object root) are refused with
/// <see cref="NotSupportedException"/>. Thread-safe; results are cached per options and type.
/// </summary>
internal static class StrictJsonSchema
{
    private static readonly HashSet<string> s_keywords = new(StringComparer.Ordinal)
    {
        "type", "properties", "required", "additionalProperties", "items", "enum", "const", "anyOf", "$ref", "$defs",
        "description", "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
        "minItems", "maxItems",
    };

    private static readonly HashSet<string> s_formats = new(StringComparer.Ordinal)
    {
        "date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid",
    };

    private static readonly ConditionalWeakTable<JsonSerializerOptions, ConcurrentDictionary<Type, JsonResponseSchema>> s_cache = new();

    /// <summary>
    /// Gets the options <c>CompleteAsync&lt;T&gt;</c> uses when the caller gives none: web defaults
    /// (camelCase names, case-insensitive reading), enums as their names, numbers only as JSON
    /// numbers, nullable annotations and required constructor parameters respected.
    /// </summary>
    public static JsonSerializerOptions DefaultSerializerOptions { get; } = CreateDefaultOptions();

    /// <summary>Returns the strict schema of <paramref name="type"/> under <paramref name="options"/>, named after the type.</summary>
    public static JsonResponseSchema For(Type type, JsonSerializerOptions options)
    {
        if (!options.IsReadOnly)
        {
            options.MakeReadOnly(populateMissingResolver: true);
        }

        var perOptions = s_cache.GetValue(options, static _ => new ConcurrentDictionary<Type, JsonResponseSchema>());
        return perOptions.GetOrAdd(type, static (t, o) => Create(t, o), options);
    }

    /// <summary>Rewrites a schema document (a JSON object) into the strict form; exposed for tests.</summary>
    public static JsonObject MakeStrict(JsonObject root)
    {
        var types = TypeNames(root);
        if (types.Count == 0 || !types.Contains("object") || root.ContainsKey("anyOf"))
        {
            throw new NotSupportedException("OpenAI strict structured outputs need a JSON object at the root; wrap the value in a class with one property.");
        }

        if (types.Count > 1)
        {
            root["type"] = "object";
        }

        MoveReferencedSchemasToDefs(root);
        Rewrite(root, "$");
        return root;
    }

    /// <summary>Turns a type name into a schema name OpenAI accepts: letters, digits, <c>_</c> and <c>-</c>, at most 64 characters.</summary>
    public static string NameOf(Type type)
    {
        var builder = new StringBuilder();
        Append(builder, type);
        var name = builder.ToString();
        return name.Length == 0 ? "response" : name.Length > 64 ? name[..64] : name;

        static void Append(StringBuilder builder, Type type)
        {
            var name = type.Name;
            var tick = name.IndexOf('`', StringComparison.Ordinal);
            if (tick >= 0)
            {
                name = name[..tick];
            }

            foreach (var c in name)
            {
                if (char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
                {
                    builder.Append(c);
                }
            }

            if (type.IsGenericType)
            {
                foreach (var argument in type.GetGenericArguments())
                {
                    builder.Append('_');
                    Append(builder, argument);
                }
            }
        }
    }

    private static JsonResponseSchema Create(Type type, JsonSerializerOptions options)
    {
        var node = options.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });
        if (node is not JsonObject root)
        {
            throw new NotSupportedException($"The JSON schema of {type} is not an object schema; OpenAI strict structured outputs need a JSON object at the root.");
        }

        return new JsonResponseSchema(NameOf(type), MakeStrict(root).ToJsonString(), strict: true);
    }

    private static JsonSerializerOptions CreateDefaultOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            NumberHandling = JsonNumberHandling.Strict,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly();
        return options;
    }

    private static void Rewrite(JsonNode? node, string path)
    {
        if (node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            throw new NotSupportedException($"The schema at {path} accepts any JSON value (object, JsonElement or JsonNode); OpenAI strict structured outputs need a concrete type there.");
        }

        if (node is not JsonObject schema)
        {
            return;
        }

        foreach (var (name, _) in schema.ToArray())
        {
            if (!s_keywords.Contains(name))
            {
                schema.Remove(name);
            }
        }

        if (schema["format"] is JsonValue format && (!format.TryGetValue<string>(out var f) || !s_formats.Contains(f)))
        {
            schema.Remove("format");
        }

        if (schema.Count == 0)
        {
            throw new NotSupportedException($"The schema at {path} accepts any JSON value (object, JsonElement or JsonNode); OpenAI strict structured outputs need a concrete type there.");
        }

        var isObject = TypeNames(schema).Contains("object") || schema.ContainsKey("properties");
        if (isObject)
        {
            if (schema["properties"] is not JsonObject properties || properties.Count == 0)
            {
                if (schema["additionalProperties"] is JsonObject)
                {
                    throw new NotSupportedException($"The schema at {path} is a dictionary; OpenAI strict structured outputs need every property named. Use a class, or a list of key-value objects.");
                }

                properties = schema["properties"] as JsonObject ?? [];
                schema["properties"] = properties;
            }

            schema["required"] = new JsonArray(properties.Select(p => (JsonNode?)JsonValue.Create(p.Key)).ToArray());
            schema["additionalProperties"] = false;
            foreach (var (name, property) in properties.ToArray())
            {
                Rewrite(property, path + "." + name);
            }
        }

        if (schema.ContainsKey("items"))
        {
            Rewrite(schema["items"], path + "[]");
        }

        if (schema["anyOf"] is JsonArray anyOf)
        {
            foreach (var branch in anyOf)
            {
                Rewrite(branch, path);
            }
        }

        if (schema["$defs"] is JsonObject defs)
        {
            foreach (var (name, definition) in defs.ToArray())
            {
                Rewrite(definition, "$defs." + name);
            }
        }
    }

    /// <summary>
    /// Moves every schema that a <c>$ref</c> points to by JSON pointer (other than the root and
    /// <c>#/$defs/…</c>) into <c>$defs</c>, leaving a reference where it was, and repoints the references.
    /// </summary>
    private static void MoveReferencedSchemasToDefs(JsonObject root)
    {
        for (var guard = 0; guard < 1_000; guard++)
        {
            var target = References(root).FirstOrDefault(r => r != "#" && !IsDefinitionReference(r));
            if (target is null)
            {
                return;
            }

            if (Resolve(root, target) is not JsonObject referenced || referenced.Parent is null)
            {
                throw new NotSupportedException($"The schema's reference {target} does not point to a schema inside the document.");
            }

            var defs = root["$defs"] as JsonObject;
            if (defs is null)
            {
                defs = [];
                root["$defs"] = defs;
            }

            var baseName = DecodeSegment(target[(target.LastIndexOf('/') + 1)..]);
            var name = baseName;
            for (var i = 2; defs.ContainsKey(name); i++)
            {
                name = baseName + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            var newPointer = "#/$defs/" + EncodeSegment(name);
            var stub = new JsonObject { ["$ref"] = newPointer };
            switch (referenced.Parent)
            {
                case JsonObject holder:
                    holder[holder.First(p => ReferenceEquals(p.Value, referenced)).Key] = stub;
                    break;
                case JsonArray list:
                    list[list.IndexOf(referenced)] = stub;
                    break;
                default:
                    throw new NotSupportedException($"The schema's reference {target} does not point to a schema inside the document.");
            }

            defs[name] = referenced;

            // References into the moved schema (its own recursion included) follow it.
            foreach (var reference in ReferenceNodes(root))
            {
                var pointer = reference["$ref"]!.GetValue<string>();
                if (pointer == target)
                {
                    reference["$ref"] = newPointer;
                }
                else if (pointer.StartsWith(target + "/", StringComparison.Ordinal))
                {
                    reference["$ref"] = newPointer + pointer[target.Length..];
                }
            }
        }

        throw new NotSupportedException("The schema has too many references to rewrite.");
    }

    private static bool IsDefinitionReference(string pointer) =>
        pointer.StartsWith("#/$defs/", StringComparison.Ordinal) && pointer.IndexOf('/', "#/$defs/".Length) < 0;

    private static List<string> References(JsonNode root) =>
        ReferenceNodes(root).Select(r => r["$ref"]!.GetValue<string>()).ToList();

    private static List<JsonObject> ReferenceNodes(JsonNode root)
    {
        var found = new List<JsonObject>();
        var stack = new Stack<JsonNode?>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            switch (stack.Pop())
            {
                case JsonObject obj:
                    if (obj["$ref"] is JsonValue reference && reference.TryGetValue<string>(out _))
                    {
                        found.Add(obj);
                    }

                    foreach (var (name, child) in obj)
                    {
                        if (name is not ("enum" or "const"))
                        {
                            stack.Push(child);
                        }
                    }

                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        stack.Push(item);
                    }

                    break;
                default:
                    break;
            }
        }

        return found;
    }

    private static JsonNode? Resolve(JsonObject root, string pointer)
    {
        if (!pointer.StartsWith("#/", StringComparison.Ordinal))
        {
            return null;
        }

        JsonNode? current = root;
        foreach (var raw in pointer[2..].Split('/'))
        {
            var segment = DecodeSegment(raw);
            current = current switch
            {
                JsonObject obj => obj[segment],
                JsonArray array when int.TryParse(segment, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) && index < array.Count => array[index],
                _ => null,
            };
            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    private static string DecodeSegment(string segment) => segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

    private static string EncodeSegment(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static HashSet<string> TypeNames(JsonObject schema)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        switch (schema["type"])
        {
            case JsonValue single when single.TryGetValue<string>(out var name):
                names.Add(name);
                break;
            case JsonArray many:
                foreach (var item in many)
                {
                    if (item is JsonValue v && v.TryGetValue<string>(out var n))
                    {
                        names.Add(n);
                    }
                }

                break;
            default:
                break;
        }

        return names;
    }
}
