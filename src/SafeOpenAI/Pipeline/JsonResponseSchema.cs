namespace SafeOpenAI;

/// <summary>
/// The JSON schema an answer must follow: the neutral view of OpenAI's <c>json_schema</c>
/// response format (structured outputs, https://platform.openai.com/docs/guides/structured-outputs).
/// Immutable and thread-safe.
/// </summary>
public sealed class JsonResponseSchema
{
    /// <summary>Creates a schema description.</summary>
    /// <param name="name">The schema's name as sent to OpenAI: letters, digits, <c>_</c> and <c>-</c>, at most 64 characters.</param>
    /// <param name="schema">The JSON Schema document, as JSON text.</param>
    /// <param name="strict">Whether the model is asked to follow the schema strictly (OpenAI's <c>strict: true</c>).</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> or <paramref name="schema"/> is null or white space.</exception>
    public JsonResponseSchema(string name, string schema, bool strict)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(schema);
        Name = name;
        Schema = schema;
        Strict = strict;
    }

    /// <summary>Gets the schema's name.</summary>
    public string Name { get; }

    /// <summary>Gets the JSON Schema document, as JSON text.</summary>
    public string Schema { get; }

    /// <summary>Gets a value indicating whether strict schema adherence was requested.</summary>
    public bool Strict { get; }
}
