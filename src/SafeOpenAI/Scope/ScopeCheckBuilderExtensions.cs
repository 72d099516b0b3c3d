using Microsoft.Extensions.DependencyInjection;

namespace SafeOpenAI;

/// <summary>Registers <see cref="ScopeCheck"/>s (off-topic, NSFW text, custom prompt checks) in the SafeOpenAI pipeline.</summary>
public static class ScopeCheckBuilderExtensions
{
    /// <summary>
    /// Adds the off-topic check (<see cref="ScopeCheck.OffTopic"/>): as an input guard when
    /// <see cref="ScopeCheckOptions.Direction"/> includes <see cref="FilterDirection.Input"/> (the default)
    /// and as an output validator when it includes <see cref="FilterDirection.Output"/>, each after the
    /// stages added before it. Add it after PII redaction, so that the judge reads the redacted text.
    /// </summary>
    /// <param name="builder">The SafeOpenAI builder.</param>
    /// <param name="allowedScope">The application's scope in a sentence or a few.</param>
    /// <param name="configure">Configures the options; optional.</param>
    /// <param name="judgeFactory">Creates the judge, or <see langword="null"/> for an <see cref="OpenAIScopeJudge"/> over a
    /// client of <see cref="ScopeCheckOptions.JudgeModel"/> with SafeOpenAI's API key and endpoint.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="allowedScope"/> is blank, or an option is out of range (thrown here, naming it).</exception>
    /// <exception cref="InvalidOperationException">The OffTopic defense is also switched on in configuration (<c>SafeOpenAI:Defenses:OffTopic:Enabled</c>).</exception>
    public static ISafeOpenAIBuilder AddOffTopicCheck(this ISafeOpenAIBuilder builder, string allowedScope, Action<ScopeCheckOptions>? configure = null, Func<IServiceProvider, IScopeJudge>? judgeFactory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(allowedScope);
        ConfiguredDefenses.Mark(builder, ConfiguredDefenses.OffTopic);
        return Add(builder, configure, judgeFactory, (options, judge) => ScopeCheck.OffTopic(allowedScope, options, judge));
    }

    /// <summary>
    /// Adds the NSFW text check (<see cref="ScopeCheck.NsfwText"/>), on the sides <see cref="ScopeCheckOptions.Direction"/> names.
    /// </summary>
    /// <param name="builder">The SafeOpenAI builder.</param>
    /// <param name="configure">Configures the options; optional.</param>
    /// <param name="judgeFactory">Creates the judge, or <see langword="null"/> for the default <see cref="OpenAIScopeJudge"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range (thrown here, naming it).</exception>
    public static ISafeOpenAIBuilder AddNsfwTextCheck(this ISafeOpenAIBuilder builder, Action<ScopeCheckOptions>? configure = null, Func<IServiceProvider, IScopeJudge>? judgeFactory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return Add(builder, configure, judgeFactory, static (options, judge) => ScopeCheck.NsfwText(options, judge));
    }

    /// <summary>
    /// Adds a custom prompt check (<see cref="ScopeCheck.Custom"/>): the judge flags content that meets
    /// <paramref name="criterion"/>, on the sides <see cref="ScopeCheckOptions.Direction"/> names. Add as
    /// many as needed, each with its own name.
    /// </summary>
    /// <param name="builder">The SafeOpenAI builder.</param>
    /// <param name="name">The check's stage name: letters, digits, <c>_</c> and <c>-</c>; part of its code <c>scope.custom:&lt;name&gt;</c>.</param>
    /// <param name="criterion">What to flag, in a sentence or a few.</param>
    /// <param name="configure">Configures the options; optional.</param>
    /// <param name="judgeFactory">Creates the judge, or <see langword="null"/> for the default <see cref="OpenAIScopeJudge"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid stage name, <paramref name="criterion"/> is blank, or an option is out of range.</exception>
    public static ISafeOpenAIBuilder AddCustomPromptCheck(this ISafeOpenAIBuilder builder, string name, string criterion, Action<ScopeCheckOptions>? configure = null, Func<IServiceProvider, IScopeJudge>? judgeFactory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ScopeCheck.ValidateName(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(criterion);
        return Add(builder, configure, judgeFactory, (options, judge) => ScopeCheck.Custom(name, criterion, options, judge));
    }

    private static ISafeOpenAIBuilder Add(
        ISafeOpenAIBuilder builder,
        Action<ScopeCheckOptions>? configure,
        Func<IServiceProvider, IScopeJudge>? judgeFactory,
        Func<ScopeCheckOptions, IScopeJudge, ScopeCheck> create)
    {
        var options = new ScopeCheckOptions();
        configure?.Invoke(options);

        // Options are checked now, at registration, with a judge that is never asked.
        _ = create(options, UnusedJudge.Instance);
        ScopeCheck? check = null;
        var gate = new object();
        ScopeCheck Check(IServiceProvider services)
        {
            lock (gate)
            {
                return check ??= create(options, judgeFactory?.Invoke(services)
                    ?? new OpenAIScopeJudge(SafeOpenAIServiceCollectionExtensions.CreateChatClient(services, options.JudgeModel), options.MaxJudgeOutputTokens));
            }
        }

        if ((options.Direction & FilterDirection.Input) != 0)
        {
            builder.AddInputGuard(Check);
        }

        if ((options.Direction & FilterDirection.Output) != 0)
        {
            builder.AddOutputValidator(Check);
        }

        return builder;
    }

    private sealed class UnusedJudge : IScopeJudge
    {
        public static readonly UnusedJudge Instance = new();

        public ValueTask<ScopeJudgement> JudgeAsync(ScopeJudgeRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("This judge only checks options.");
    }
}
