using OpenAI.Chat;

namespace SafeOpenAI;

/// <summary>Registers <see cref="ModelInjectionClassifier"/> on the SafeOpenAI builder.</summary>
public static class ModelInjectionClassifierBuilderExtensions
{
    /// <summary>
    /// Appends the model-based injection classifier. Add it after the secrets and PII guards so it
    /// never sees what they removed.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="clientFactory">Creates the plain <see cref="ChatClient"/> of the classifying model (not a <see cref="SafeChatClient"/>).</param>
    /// <param name="configure">Sets the options; <see langword="null"/> for the defaults.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="clientFactory"/> is null.</exception>
    public static ISafeOpenAIBuilder AddModelInjectionClassifier(this ISafeOpenAIBuilder builder, Func<IServiceProvider, ChatClient> clientFactory, Action<ModelInjectionClassifierOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(clientFactory);
        var options = new ModelInjectionClassifierOptions();
        configure?.Invoke(options);
        return builder.AddInputGuard(services => new ModelInjectionClassifier(clientFactory(services), options));
    }
}
