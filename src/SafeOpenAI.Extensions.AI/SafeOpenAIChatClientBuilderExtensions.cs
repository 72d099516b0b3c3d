using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SafeOpenAI;
using SafeOpenAI.Extensions.AI;

namespace Microsoft.Extensions.AI;

/// <summary>
/// Adds <see cref="SafeOpenAIChatClient"/> to a <see cref="ChatClientBuilder"/>, in the style of
/// <c>UseLogging</c> and <c>UseOpenTelemetry</c>: <c>services.AddChatClient(inner).UseSafeOpenAI()</c>
/// or <c>inner.AsBuilder().UseSafeOpenAI().Build(services)</c>.
/// </summary>
public static class SafeOpenAIChatClientBuilderExtensions
{
    /// <summary>
    /// Runs every call of the built client through the SafeOpenAI pipeline that
    /// <c>services.AddSafeOpenAI(...)</c> registered. The pipeline, the
    /// <see cref="ISafetyIdentityAccessor"/> and <see cref="SafeOpenAIOptions.OnBlock"/> come from the
    /// builder's service provider when the client is built.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <remarks>Building throws <see cref="InvalidOperationException"/> when the service provider has no <see cref="SafetyPipeline"/> (call <c>services.AddSafeOpenAI(...)</c>).</remarks>
    public static ChatClientBuilder UseSafeOpenAI(this ChatClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var pipeline = services.GetService<SafetyPipeline>()
                ?? throw new InvalidOperationException("UseSafeOpenAI needs the SafeOpenAI pipeline: call services.AddSafeOpenAI(...) and build the chat client with that service provider.");
            return new SafeOpenAIChatClient(
                inner,
                pipeline,
                services.GetService<ISafetyIdentityAccessor>() ?? new AmbientSafetyIdentityAccessor(),
                services.GetService<IOptions<SafeOpenAIOptions>>()?.Value.OnBlock ?? SafetyBlockBehavior.Throw);
        });
    }

    /// <summary>
    /// Runs every call of the built client through the given pipeline, for a client composed
    /// without dependency injection.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="pipeline">The pipeline to run.</param>
    /// <param name="identityAccessor">Supplies the end user of each call, for example an <see cref="AmbientSafetyIdentityAccessor"/>.</param>
    /// <param name="onBlock">What a blocked call does: throw or return a refusal.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="pipeline"/> or <paramref name="identityAccessor"/> is null.</exception>
    public static ChatClientBuilder UseSafeOpenAI(this ChatClientBuilder builder, SafetyPipeline pipeline, ISafetyIdentityAccessor identityAccessor, SafetyBlockBehavior onBlock)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(identityAccessor);
        return builder.Use(inner => new SafeOpenAIChatClient(inner, pipeline, identityAccessor, onBlock));
    }
}
