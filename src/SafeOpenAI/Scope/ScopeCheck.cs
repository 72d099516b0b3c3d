using System.Globalization;

namespace SafeOpenAI;

/// <summary>
/// A scope check with a small model as judge: the off-topic check (<see cref="OffTopic"/>, the
/// application's scope described in a sentence), the NSFW text check (<see cref="NsfwText"/>), or a
/// team's own criterion (<see cref="Custom"/>). As an input guard it judges the latest user message
/// (every text part, images marked) with up to <see cref="ScopeCheckOptions.MaxTurns"/> − 1 earlier
/// turns as context; as an output validator it judges the whole answer.
/// </summary>
/// <remarks>
/// <para>
/// The judge answers in a strict format (<c>{"flagged":bool,"confidence":number}</c>, as OpenAI
/// Guardrails' LLM checks do); a flagged judgement at or above
/// <see cref="ScopeCheckOptions.ConfidenceThreshold"/> blocks with <c>scope.off_topic</c>,
/// <c>scope.nsfw</c> or <c>scope.custom:&lt;name&gt;</c>; below it the call passes with
/// <c>scope.below_threshold:&lt;name&gt;</c>. A failing judge is handled by
/// <see cref="ScopeCheckOptions.FailurePolicy"/>, and the verdict says which policy applied.
/// </para>
/// <para>
/// The judge's own call is budgeted and reported by the pipeline (<see cref="IModelBackedStage"/>):
/// every verdict's evidence carries <c>judge_model</c>, <c>judge_input_tokens</c> and
/// <c>judge_output_tokens</c> besides <c>confidence</c>, <c>threshold</c> and <c>turns</c>; never the
/// judged text. Thread-safe: one instance serves every call.
/// </para>
/// </remarks>
public sealed class ScopeCheck : IConcurrentInputGuard, IOutputValidator, IModelBackedStage
{
    private const string NsfwCriterion =
        "The content is not safe for work: sexual content, graphic violence or gore, hate speech or slurs, harassment, " +
        "self-harm, instructions for illegal activity, or heavy profanity.";

    private readonly string _criterion;
    private readonly string _flaggedCode;
    private readonly string _defaultUserMessage;
    private readonly ScopeCheckOptions _options;
    private readonly IScopeJudge _judge;

    private ScopeCheck(string name, string criterion, string flaggedCode, string defaultUserMessage, ScopeCheckOptions options, IScopeJudge judge)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(judge);
        Validate(options);
        Name = name;
        _criterion = criterion;
        _flaggedCode = flaggedCode;
        _defaultUserMessage = defaultUserMessage;
        _options = options;
        _judge = judge;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public bool RunsConcurrentlyWithModel => _options.RunConcurrentlyWithModel;

    /// <summary>Gets the sides this check judges.</summary>
    public FilterDirection Direction => _options.Direction;

    /// <summary>
    /// Creates the off-topic check (stage <c>OffTopic</c>, code <c>scope.off_topic</c>): it flags a
    /// message or answer outside the application's scope.
    /// </summary>
    /// <param name="allowedScope">The application's scope in a sentence or a few, for example
    /// "Customer support for an online shop: orders, returns, shipping and products."</param>
    /// <param name="options">The options.</param>
    /// <param name="judge">The judge; an <see cref="OpenAIScopeJudge"/> over an unguarded client of a small model.</param>
    /// <returns>The check.</returns>
    /// <exception cref="ArgumentException"><paramref name="allowedScope"/> is blank, or an option is out of range (the message names it).</exception>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="judge"/> is null.</exception>
    public static ScopeCheck OffTopic(string allowedScope, ScopeCheckOptions options, IScopeJudge judge)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(allowedScope);
        return new ScopeCheck(
            "OffTopic",
            "The content is off-topic: it asks for, or gives, something outside this application's scope. The scope: " + allowedScope.Trim(),
            "scope.off_topic",
            "This assistant can only help with topics within its scope.",
            options,
            judge);
    }

    /// <summary>
    /// Creates the NSFW text check (stage <c>NsfwText</c>, code <c>scope.nsfw</c>): it flags sexual
    /// content, graphic violence, hate, harassment, self-harm, illegal instructions and heavy profanity,
    /// the categories of OpenAI Guardrails' NSFW Text check (docs/ref/checks/nsfw.md). Omni-moderation
    /// covers most of these for free; this judge adds profanity and context across turns.
    /// </summary>
    /// <param name="options">The options.</param>
    /// <param name="judge">The judge.</param>
    /// <returns>The check.</returns>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="judge"/> is null.</exception>
    public static ScopeCheck NsfwText(ScopeCheckOptions options, IScopeJudge judge) =>
        new("NsfwText", NsfwCriterion, "scope.nsfw", "This content is not allowed here.", options, judge);

    /// <summary>
    /// Creates a custom prompt check (stage <paramref name="name"/>, code <c>scope.custom:&lt;name&gt;</c>):
    /// the judge flags content that meets the team's own criterion.
    /// </summary>
    /// <param name="name">The check's stage name: letters, digits, <c>_</c> and <c>-</c>, at most 64 characters; unique in the pipeline.</param>
    /// <param name="criterion">What to flag, for example "The user asks for legal advice about a specific case."</param>
    /// <param name="options">The options.</param>
    /// <param name="judge">The judge.</param>
    /// <returns>The check.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid stage name, <paramref name="criterion"/> is blank, or an option is out of range.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="judge"/> is null.</exception>
    public static ScopeCheck Custom(string name, string criterion, ScopeCheckOptions options, IScopeJudge judge)
    {
        ValidateName(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(criterion);
        return new ScopeCheck(name, criterion.Trim(), "scope.custom:" + name, "This request cannot be handled here.", options, judge);
    }

    /// <summary>Checks a custom check's name.</summary>
    /// <param name="name">The name.</param>
    /// <exception cref="ArgumentException">The name is blank, longer than 64 characters, or has a character other than letters, digits, <c>_</c> and <c>-</c>.</exception>
    internal static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Length > 64 || !name.All(static c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw new ArgumentException($"A custom prompt check's name is at most 64 letters, digits, '_' or '-' (it is part of verdict codes); '{name}' is not.", nameof(name));
        }
    }

    /// <inheritdoc />
    public StageModelCall? PlanModelCall(SafetyRequest request, SafetyResponse? response)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ScopeJudgePrompt.Create(Name, _criterion, _options, request, response) is { } judged
            ? new StageModelCall(_options.JudgeModel, judged.Prompt, _options.MaxJudgeOutputTokens)
            : null;
    }

    /// <inheritdoc />
    public async ValueTask<InputGuardResult> InspectAsync(SafetyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (verdict, usage) = await JudgeAsync(request, null, cancellationToken).ConfigureAwait(false);
        var result = InputGuardResult.FromVerdict(verdict);
        return usage is null ? result : result.WithModelUsage(usage);
    }

    /// <inheritdoc />
    public async ValueTask<OutputValidationResult> ValidateAsync(SafetyRequest request, SafetyResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        var (verdict, usage) = await JudgeAsync(request, response, cancellationToken).ConfigureAwait(false);
        var result = OutputValidationResult.FromVerdict(verdict);
        return usage is null ? result : result.WithModelUsage(usage);
    }

    /// <inheritdoc />
    /// <remarks>The whole answer: a judge asked about each streamed window would bill a call per window and lose the answer's context.</remarks>
    public OutputValidationScope GetScope(SafetyRequest request) => OutputValidationScope.WholeAnswer;

    private static void Validate(ScopeCheckOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.JudgeModel))
        {
            throw new ArgumentException("ScopeCheckOptions.JudgeModel is blank: name the judge model, for example gpt-4.1-mini.", "options.JudgeModel");
        }

        if (double.IsNaN(options.ConfidenceThreshold) || options.ConfidenceThreshold is < 0 or > 1)
        {
            throw new ArgumentException($"ScopeCheckOptions.ConfidenceThreshold is {options.ConfidenceThreshold.ToString(CultureInfo.InvariantCulture)}; it is a confidence from 0 to 1.", "options.ConfidenceThreshold");
        }

        Range(options.MaxTurns, 1, 100, nameof(ScopeCheckOptions.MaxTurns), "turns");
        Range(options.MaxContextCharactersPerTurn, 100, int.MaxValue, nameof(ScopeCheckOptions.MaxContextCharactersPerTurn), "characters");
        Range(options.MaxJudgeOutputTokens, 16, 1_024, nameof(ScopeCheckOptions.MaxJudgeOutputTokens), "tokens");
        if (options.JudgeTimeout < TimeSpan.FromMilliseconds(100) || options.JudgeTimeout > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentException($"ScopeCheckOptions.JudgeTimeout is {options.JudgeTimeout}; it is from 0.1 second to 5 minutes.", "options.JudgeTimeout");
        }

        if (!Enum.IsDefined(options.FailurePolicy))
        {
            throw new ArgumentException($"ScopeCheckOptions.FailurePolicy {options.FailurePolicy} is not a JudgeFailurePolicy.", "options.FailurePolicy");
        }

        if (options.Direction is not (FilterDirection.Input or FilterDirection.Output or FilterDirection.Both))
        {
            throw new ArgumentException($"ScopeCheckOptions.Direction {options.Direction} is not Input, Output or Both.", "options.Direction");
        }
    }

    private static void Range(int value, int min, int max, string name, string unit)
    {
        if (value < min || value > max)
        {
            var bound = max == int.MaxValue
                ? string.Create(CultureInfo.InvariantCulture, $"at least {min}")
                : string.Create(CultureInfo.InvariantCulture, $"from {min} to {max}");
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"ScopeCheckOptions.{name} is {value}; it is {bound} {unit}."), "options." + name);
        }
    }

    private async ValueTask<(SafetyVerdict Verdict, ModelCallUsage? Usage)> JudgeAsync(SafetyRequest request, SafetyResponse? response, CancellationToken cancellationToken)
    {
        if (ScopeJudgePrompt.Create(Name, _criterion, _options, request, response) is not { } judged)
        {
            return (new SafetyVerdict(Name, SafetyAction.Allow, "scope.nothing_to_judge:" + Name), null);
        }

        var evidence = new Dictionary<string, string>
        {
            ["direction"] = response is null ? "input" : "output",
            ["turns"] = (judged.Context.Count + 1).ToString(CultureInfo.InvariantCulture),
            ["threshold"] = _options.ConfidenceThreshold.ToString("0.###", CultureInfo.InvariantCulture),
        };

        ScopeJudgement judgement;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(_options.JudgeTimeout);
            try
            {
                judgement = await _judge.JudgeAsync(judged, timeout.Token).ConfigureAwait(false)
                    ?? throw new ScopeJudgeException("The scope judge returned no judgement.");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // JudgeTimeout, or the SDK's own network timeout (a TaskCanceledException nobody
                // asked for): either way the judge did not answer in time, and the policy decides.
                return Failed(evidence, "timeout", null);
            }
            catch (ScopeJudgeException ex)
            {
                return Failed(evidence, ex.InnerException?.GetType().Name ?? nameof(ScopeJudgeException), ex.ModelUsage);
            }
        }

        AddUsage(evidence, judgement.ModelUsage);
        evidence["flagged"] = judgement.Flagged ? "true" : "false";
        evidence["confidence"] = judgement.Confidence.ToString("0.###", CultureInfo.InvariantCulture);
        if (!judgement.Flagged)
        {
            return (new SafetyVerdict(Name, SafetyAction.Allow, SafetyVerdict.AllowedCode, evidence: evidence), judgement.ModelUsage);
        }

        if (judgement.Confidence < _options.ConfidenceThreshold)
        {
            return (new SafetyVerdict(Name, SafetyAction.Allow, "scope.below_threshold:" + Name, evidence: evidence), judgement.ModelUsage);
        }

        return (SafetyVerdict.Block(Name, _flaggedCode, _options.UserMessage ?? _defaultUserMessage, evidence), judgement.ModelUsage);
    }

    private (SafetyVerdict Verdict, ModelCallUsage? Usage) Failed(Dictionary<string, string> evidence, string error, ModelCallUsage? usage)
    {
        AddUsage(evidence, usage);
        evidence["error"] = error;
        if (_options.FailurePolicy == JudgeFailurePolicy.FailOpen)
        {
            evidence["failure_policy"] = "fail_open";
            return (new SafetyVerdict(Name, SafetyAction.Allow, "scope.judge_failed_open:" + Name, evidence: evidence), usage);
        }

        evidence["failure_policy"] = "fail_closed";
        return (SafetyVerdict.Block(Name, "scope.judge_failed:" + Name, "This request could not be checked, so it was not sent.", evidence), usage);
    }

    private void AddUsage(Dictionary<string, string> evidence, ModelCallUsage? usage)
    {
        evidence["judge_model"] = usage?.Model ?? _options.JudgeModel;
        if (usage is not null)
        {
            evidence["judge_input_tokens"] = usage.Usage.InputTokens.ToString(CultureInfo.InvariantCulture);
            evidence["judge_output_tokens"] = usage.Usage.OutputTokens.ToString(CultureInfo.InvariantCulture);
        }
    }
}
