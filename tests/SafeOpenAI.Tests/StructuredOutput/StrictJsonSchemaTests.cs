using System.Text.Json.Nodes;

namespace SafeOpenAI.Tests.StructuredOutput;

public class StrictJsonSchemaTests
{
    private static JsonObject SchemaOf<T>() =>
        JsonNode.Parse(StrictJsonSchema.For(typeof(T), StrictJsonSchema.DefaultSerializerOptions).Schema)!.AsObject();

    private static IEnumerable<JsonObject> Objects(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                yield return obj;
                foreach (var (_, child) in obj)
                {
                    foreach (var nested in Objects(child))
                    {
                        yield return nested;
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    foreach (var nested in Objects(item))
                    {
                        yield return nested;
                    }
                }

                break;
            default:
                break;
        }
    }

    [Test]
    public void Every_object_requires_all_its_properties_and_allows_no_others()
    {
        var schema = SchemaOf<Person>();

        Assert.That(schema["type"]!.GetValue<string>(), Is.EqualTo("object"));
        Assert.That(schema["required"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { "name", "age", "tags", "priority", "address" }));
        var objects = Objects(schema).Where(o => o.ContainsKey("properties")).ToList();
        Assert.That(objects, Has.Count.EqualTo(2), "Person and Address");
        foreach (var obj in objects)
        {
            Assert.That(obj["additionalProperties"]!.GetValue<bool>(), Is.False);
            Assert.That(obj["required"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EquivalentTo(obj["properties"]!.AsObject().Select(p => p.Key)));
        }

        Assert.That(schema["properties"]!["priority"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { "Low", "High" }));
        Assert.That(schema["properties"]!["address"]!["type"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EquivalentTo(new[] { "object", "null" }), "an optional value is a union with null");
    }

    [Test]
    public void Unsupported_keywords_and_formats_are_dropped_and_references_point_to_definitions()
    {
        var schema = SchemaOf<Trip>();
        var org = SchemaOf<Org>();

        var keys = Objects(schema).SelectMany(o => o.Select(p => p.Key)).ToHashSet();
        Assert.That(keys, Has.No.Member("$comment").And.No.Member("default").And.No.Member("title"));
        Assert.That(schema["properties"]!["leaves"]!["format"]!.GetValue<string>(), Is.EqualTo("date-time"));
        Assert.That(schema["properties"]!["website"]!.AsObject().ContainsKey("format"), Is.False, "uri is not an OpenAI strict format");
        var references = Objects(org).Where(o => o.ContainsKey("$ref")).Select(o => o["$ref"]!.GetValue<string>()).ToList();
        Assert.That(references, Is.Not.Empty);
        Assert.That(references, Has.All.Match("^#(/\\$defs/[A-Za-z0-9_]+)?$"));
    }

    [Test]
    public void A_recursive_type_refers_to_the_root()
    {
        var schema = SchemaOf<TreeNode>();

        Assert.That(schema["properties"]!["children"]!["items"]!["$ref"]!.GetValue<string>(), Is.EqualTo("#"));
    }

    [Test]
    public void Types_strict_mode_cannot_express_are_refused()
    {
        Assert.Throws<NotSupportedException>(() => StrictJsonSchema.For(typeof(CountsByName), StrictJsonSchema.DefaultSerializerOptions));
        Assert.Throws<NotSupportedException>(() => StrictJsonSchema.For(typeof(WithUntyped), StrictJsonSchema.DefaultSerializerOptions));
        Assert.Throws<NotSupportedException>(() => StrictJsonSchema.For(typeof(List<Address>), StrictJsonSchema.DefaultSerializerOptions));
        Assert.Throws<NotSupportedException>(() => StrictJsonSchema.For(typeof(int), StrictJsonSchema.DefaultSerializerOptions));
    }

    [Test]
    public void Names_follow_the_openai_rules()
    {
        Assert.That(StrictJsonSchema.NameOf(typeof(Person)), Is.EqualTo("Person"));
        Assert.That(StrictJsonSchema.NameOf(typeof(Dictionary<string, List<int>>)), Is.EqualTo("Dictionary_String_List_Int32"));
        Assert.That(StrictJsonSchema.For(typeof(Person), StrictJsonSchema.DefaultSerializerOptions).Strict, Is.True);
    }

    [Test]
    public void The_response_format_of_the_sdk_options_is_read_back()
    {
        var options = OpenAIChatAdapter.WithResponseSchema(null, new JsonResponseSchema("invoice", """{"type":"object","properties":{}}""", strict: true));

        var schema = OpenAIChatAdapter.ReadResponseSchema(options)!;

        Assert.That(schema.Name, Is.EqualTo("invoice"));
        Assert.That(schema.Strict, Is.True);
        Assert.That(JsonNode.Parse(schema.Schema)!["type"]!.GetValue<string>(), Is.EqualTo("object"));
        Assert.That(OpenAIChatAdapter.ReadResponseSchema(new global::OpenAI.Chat.ChatCompletionOptions { ResponseFormat = global::OpenAI.Chat.ChatResponseFormat.CreateJsonObjectFormat() }), Is.Null);
        Assert.That(OpenAIChatAdapter.ReadResponseSchema(new global::OpenAI.Chat.ChatCompletionOptions()), Is.Null);
    }
}
