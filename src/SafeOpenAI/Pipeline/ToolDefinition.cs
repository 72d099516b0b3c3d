namespace SafeOpenAI;

/// <summary>
/// A function tool a request offers the model, in the neutral view: its name and the JSON schema
/// of its arguments (OpenAI function calling, https://platform.openai.com/docs/guides/function-calling).
/// Immutable and thread-safe.
/// </summary>
public sealed class ToolDefinition
{
    /// <summary>Creates a tool description.</summary>
    /// <param name="name">The function name the model calls it by, for example <c>get_weather</c>.</param>
    /// <param name="parametersSchema">The JSON Schema document of the arguments, as JSON text, or <see langword="null"/> when the tool declares none.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or white space, or <paramref name="parametersSchema"/> is empty or white space.</exception>
    public ToolDefinition(string name, string? parametersSchema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (parametersSchema is not null && string.IsNullOrWhiteSpace(parametersSchema))
        {
            throw new ArgumentException("A tool's parameters schema is JSON text or null, not blank.", nameof(parametersSchema));
        }

        Name = name;
        ParametersSchema = parametersSchema;
    }

    /// <summary>Gets the function name.</summary>
    public string Name { get; }

    /// <summary>Gets the JSON Schema document of the arguments, as JSON text, or <see langword="null"/> when the tool declares none.</summary>
    public string? ParametersSchema { get; }
}
