using Microsoft.Extensions.DependencyInjection;

namespace SafeOpenAI;

/// <summary>Registers <see cref="PiiRedactionGuard"/> (and <see cref="PiiRestoringValidator"/>) in the SafeOpenAI pipeline.</summary>
public static class PiiRedactionBuilderExtensions
{
    /// <summary>
    /// Adds PII redaction as an input guard, after the guards added before it; when
    /// <see cref="PiiRedactionOptions.Reversible"/> is on (the default), also adds
    /// <see cref="PiiRestoringValidator"/> as an output validator. The keyed hash operator uses the
    /// registered <see cref="SafetyHasher"/>.
    /// </summary>
    /// <param name="builder">The SafeOpenAI builder.</param>
    /// <param name="configure">Configures the options; optional.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The PiiRedaction defense is also switched on in configuration (<c>SafeOpenAI:Defenses:PiiRedaction:Enabled</c>).</exception>
    public static ISafeOpenAIBuilder AddPiiRedaction(this ISafeOpenAIBuilder builder, Action<PiiRedactionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ConfiguredDefenses.Mark(builder, ConfiguredDefenses.PiiRedaction);
        var options = new PiiRedactionOptions();
        configure?.Invoke(options);
        builder.AddInputGuard(sp => new PiiRedactionGuard(options, sp.GetService<SafetyHasher>()));
        if (options.Reversible)
        {
            builder.AddOutputValidator(static _ => new PiiRestoringValidator());
        }

        return builder;
    }
}
