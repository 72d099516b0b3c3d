namespace SafeOpenAI;

/// <summary>Registers <see cref="ToolCallValidator"/> in the SafeOpenAI pipeline.</summary>
public static class ToolCallGuardBuilderExtensions
{
    /// <summary>
    /// Appends a <see cref="ToolCallValidator"/> after the output validators added before it:
    /// tool calls in the model's answer must name an allowed, offered tool and carry arguments
    /// that follow its parameters schema. Requests that offer no tools pass it with no work.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options; <see langword="null"/> keeps the defaults (the tools offered in each request, arguments validated).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The ToolCalls defense is also switched on in configuration (<c>SafeOpenAI:Defenses:ToolCalls:Enabled</c>).</exception>
    /// <exception cref="ArgumentException">The configured options are invalid (thrown when the pipeline is built).</exception>
    public static ISafeOpenAIBuilder AddToolCallGuard(this ISafeOpenAIBuilder builder, Action<ToolCallGuardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ConfiguredDefenses.Mark(builder, ConfiguredDefenses.ToolCalls);
        var options = new ToolCallGuardOptions();
        configure?.Invoke(options);
        return builder.AddOutputValidator(_ => new ToolCallValidator(options));
    }
}
