using System.Text;
using System.Text.Json;

namespace SafeOpenAI.Testing;

/// <summary>
/// Builds the offline model's answer to a request with a <c>json_schema</c> response format: the
/// smallest JSON value that follows the schema, so that structured-output code runs offline.
/// </summary>
/// <remarks>
/// Every property of an object is written (strict schemas require them all); a string is
/// <c>"[offline model] NAME"</c> with the property's name (or a valid value of its <c>format</c>:
/// date-time, date, time, duration, email, hostname, ipv4, ipv6, uuid); a number or integer is its
/// <c>minimum</c> or 0; a boolean is <c>false</c>; an array holds <c>minItems</c> items (none by
/// default); <c>enum</c> and <c>const</c> give their first value; <c>anyOf</c> takes its first
/// branch that is not <c>null</c>; a nullable type is written as its other type; <c>$ref</c>
/// follows JSON pointers inside the schema, and a recursion is ended with <c>null</c> where the
/// schema allows it. Not a validator: a schema with <c>pattern</c> gets no matching string.
/// </remarks>
internal static class OfflineJsonAnswer
{
    private const int MaxDepth = 16;

    public static string Create(JsonElement schema)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, schema, schema, "value", 0);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, JsonElement root, JsonElement schema, string name, int depth)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            writer.WriteNullValue();
            return;
        }

        if (schema.TryGetProperty("$ref", out var reference) && reference.ValueKind == JsonValueKind.String)
        {
            if (depth >= MaxDepth || Resolve(root, reference.GetString()!) is not { } target)
            {
                writer.WriteNullValue();
                return;
            }

            Write(writer, root, target, name, depth + 1);
            return;
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            constant.WriteTo(writer);
            return;
        }

        if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0)
        {
            values[0].WriteTo(writer);
            return;
        }

        if (schema.TryGetProperty("anyOf", out var anyOf) && anyOf.ValueKind == JsonValueKind.Array)
        {
            var branches = anyOf.EnumerateArray().ToList();
            var chosen = branches.FirstOrDefault(b => !IsNullOnly(b));
            if (depth >= MaxDepth && branches.Any(IsNullOnly))
            {
                writer.WriteNullValue();
                return;
            }

            Write(writer, root, chosen.ValueKind == JsonValueKind.Undefined ? branches.FirstOrDefault() : chosen, name, depth + 1);
            return;
        }

        var types = TypeNames(schema);
        if (depth >= MaxDepth && types.Contains("null"))
        {
            writer.WriteNullValue();
            return;
        }

        var type = types.FirstOrDefault(t => t != "null") ?? (schema.TryGetProperty("properties", out _) ? "object" : "null");
        switch (type)
        {
            case "object":
                writer.WriteStartObject();
                if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in properties.EnumerateObject())
                    {
                        writer.WritePropertyName(property.Name);
                        Write(writer, root, property.Value, property.Name, depth + 1);
                    }
                }

                writer.WriteEndObject();
                break;
            case "array":
                writer.WriteStartArray();
                var count = schema.TryGetProperty("minItems", out var minItems) && minItems.TryGetInt32(out var m) ? Math.Min(m, 100) : 0;
                var items = schema.TryGetProperty("items", out var i) ? i : default;
                for (var n = 0; n < count; n++)
                {
                    Write(writer, root, items, name, depth + 1);
                }

                writer.WriteEndArray();
                break;
            case "string":
                writer.WriteStringValue(StringFor(schema, name));
                break;
            case "integer":
                writer.WriteNumberValue(schema.TryGetProperty("minimum", out var intMin) && intMin.TryGetInt64(out var least) ? least : 0L);
                break;
            case "number":
                writer.WriteNumberValue(schema.TryGetProperty("minimum", out var numMin) && numMin.TryGetDouble(out var lowest) ? lowest : 0d);
                break;
            case "boolean":
                writer.WriteBooleanValue(false);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    private static string StringFor(JsonElement schema, string name)
    {
        var format = schema.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        return format switch
        {
            "date-time" => "2000-01-01T00:00:00Z",
            "date" => "2000-01-01",
            "time" => "00:00:00",
            "duration" => "PT0S",
            "email" => "offline@example.com",
            "hostname" => "example.com",
            "ipv4" => "192.0.2.1",
            "ipv6" => "2001:db8::1",
            "uuid" => "00000000-0000-0000-0000-000000000000",
            _ => OfflineChatModel.Marker + " " + name,
        };
    }

    private static bool IsNullOnly(JsonElement schema)
    {
        var types = TypeNames(schema);
        return types.Count == 1 && types[0] == "null";
    }

    private static List<string> TypeNames(JsonElement schema)
    {
        var names = new List<string>();
        if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("type", out var type))
        {
            if (type.ValueKind == JsonValueKind.String)
            {
                names.Add(type.GetString()!);
            }
            else if (type.ValueKind == JsonValueKind.Array)
            {
                names.AddRange(type.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!));
            }
        }

        return names;
    }

    private static JsonElement? Resolve(JsonElement root, string pointer)
    {
        if (pointer == "#")
        {
            return root;
        }

        if (!pointer.StartsWith("#/", StringComparison.Ordinal))
        {
            return null;
        }

        var current = root;
        foreach (var raw in pointer[2..].Split('/'))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out var next))
            {
                current = next;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(segment, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                return null;
            }
        }

        return current;
    }
}
