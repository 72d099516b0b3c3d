namespace SafeOpenAI;

/// <summary>
/// An OpenAI Guardrails pipeline configuration (the JSON of openai-guardrails-python / -js, see
/// https://openai.github.io/openai-guardrails-python/) that SafeOpenAI cannot load: malformed JSON, an
/// unknown key, stage or check name, a missing required key, a value of the wrong JSON type or out of
/// range, an unsupported <c>version</c>, or a check placed in a stage where it cannot run. Thrown at
/// registration (<see cref="GuardrailsConfigurationBuilderExtensions"/>), never at the first call.
/// </summary>
/// <remarks>The message names the JSON path and what was expected; it never quotes a configured value that could be a secret (such as a pattern).</remarks>
public sealed class GuardrailsConfigurationException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="GuardrailsConfigurationException"/> class.</summary>
    public GuardrailsConfigurationException()
        : this("The OpenAI Guardrails configuration is not valid.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="GuardrailsConfigurationException"/> class.</summary>
    /// <param name="message">What is wrong.</param>
    public GuardrailsConfigurationException(string message)
        : base(message)
    {
        JsonPath = "$";
    }

    /// <summary>Initializes a new instance of the <see cref="GuardrailsConfigurationException"/> class.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The error that caused it.</param>
    public GuardrailsConfigurationException(string message, Exception? innerException)
        : base(message, innerException)
    {
        JsonPath = "$";
    }

    /// <summary>Initializes a new instance of the <see cref="GuardrailsConfigurationException"/> class for one JSON location.</summary>
    /// <param name="jsonPath">The location, for example <c>$.output.guardrails[1].config.threshold</c>.</param>
    /// <param name="message">What was expected there; the exception's message is <c>"{jsonPath}: {message}"</c>.</param>
    /// <param name="innerException">The error that caused it, if any.</param>
    public GuardrailsConfigurationException(string jsonPath, string message, Exception? innerException)
        : base($"{jsonPath}: {message}", innerException)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jsonPath);
        JsonPath = jsonPath;
    }

    /// <summary>Gets the JSON path of the offending element (<c>$</c> for the whole document), for example <c>$.input.guardrails[0].name</c>.</summary>
    public string JsonPath { get; }
}
