namespace SafeOpenAI;

/// <summary>
/// Configures SafeOpenAI from an OpenAI Guardrails pipeline configuration: the JSON that
/// openai-guardrails-python and -js read (https://openai.github.io/openai-guardrails-python/quickstart/),
/// with its <c>version</c>, <c>pre_flight</c> / <c>input</c> / <c>output</c> stages and their checks.
/// Each check becomes the equivalent SafeOpenAI stage, in file order (<c>pre_flight</c> first), after
/// the stages already registered; docs/openai-guardrails-config.md has the mapping of every check and key.
/// </summary>
/// <remarks>
/// The whole file is read strictly and checked at registration: an unknown key, stage or check name, a
/// missing required key, a wrong JSON type, an out-of-range value or an unsupported version throws a
/// <see cref="GuardrailsConfigurationException"/> naming the JSON path, and nothing is registered.
/// Loading never switches a SafeOpenAI default off: without a Moderation check the
/// <see cref="SafeOpenAIOptions.Moderation"/> settings stay as they are. Not thread-safe, like the builder.
/// </remarks>
public static class GuardrailsConfigurationBuilderExtensions
{
    /// <summary>Reads the pipeline configuration file at <paramref name="path"/> (UTF-8 JSON) and adds its checks.</summary>
    /// <param name="builder">The builder returned by <c>AddSafeOpenAI</c>.</param>
    /// <param name="path">The file's path, for example <c>guardrails_config.json</c>.</param>
    /// <param name="configure">Sets how the pipeline maps (<see cref="GuardrailsConfigurationOptions"/>); optional.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or white space.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="GuardrailsConfigurationException">The configuration is not valid; the message names the JSON path and what was expected.</exception>
    public static ISafeOpenAIBuilder AddOpenAIGuardrailsConfiguration(this ISafeOpenAIBuilder builder, string path, Action<GuardrailsConfigurationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Apply(builder, File.ReadAllBytes(path), configure);
    }

    /// <summary>Reads a pipeline configuration from <paramref name="utf8Json"/> (read to its end, not disposed) and adds its checks.</summary>
    /// <param name="builder">The builder returned by <c>AddSafeOpenAI</c>.</param>
    /// <param name="utf8Json">The configuration as UTF-8 JSON.</param>
    /// <param name="configure">Sets how the pipeline maps (<see cref="GuardrailsConfigurationOptions"/>); optional.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="utf8Json"/> is null.</exception>
    /// <exception cref="GuardrailsConfigurationException">The configuration is not valid; the message names the JSON path and what was expected.</exception>
    public static ISafeOpenAIBuilder AddOpenAIGuardrailsConfigurationStream(this ISafeOpenAIBuilder builder, Stream utf8Json, Action<GuardrailsConfigurationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(utf8Json);
        using var buffer = new MemoryStream();
        utf8Json.CopyTo(buffer);
        return Apply(builder, buffer.GetBuffer().AsMemory(0, (int)buffer.Length), configure);
    }

    /// <summary>Reads a pipeline configuration from JSON text and adds its checks.</summary>
    /// <param name="builder">The builder returned by <c>AddSafeOpenAI</c>.</param>
    /// <param name="json">The configuration's JSON text.</param>
    /// <param name="configure">Sets how the pipeline maps (<see cref="GuardrailsConfigurationOptions"/>); optional.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="json"/> is null.</exception>
    /// <exception cref="GuardrailsConfigurationException">The configuration is not valid; the message names the JSON path and what was expected.</exception>
    public static ISafeOpenAIBuilder AddOpenAIGuardrailsConfigurationJson(this ISafeOpenAIBuilder builder, string json, Action<GuardrailsConfigurationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(json);
        return Apply(builder, System.Text.Encoding.UTF8.GetBytes(json), configure);
    }

    private static ISafeOpenAIBuilder Apply(ISafeOpenAIBuilder builder, ReadOnlyMemory<byte> json, Action<GuardrailsConfigurationOptions>? configure)
    {
        var options = new GuardrailsConfigurationOptions();
        configure?.Invoke(options);
        foreach (var register in GuardrailsConfigurationLoader.Load(json, options))
        {
            register(builder);
        }

        return builder;
    }
}
