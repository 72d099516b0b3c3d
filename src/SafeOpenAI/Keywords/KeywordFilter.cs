using System.Globalization;

namespace SafeOpenAI;

/// <summary>
/// Refuses configured terms in the user's messages and in the model's answer: banned words, internal
/// project names, or, in its competitor flavour (<see cref="ForCompetitors"/>), the names of
/// competitors the assistant must not discuss or recommend. One instance serves as an input guard and,
/// with the same options, as an output validator.
/// </summary>
/// <remarks>
/// <para>
/// Matching (<see cref="KeywordMatcher"/>): whole words, case-insensitive, after Unicode NFKC, removal
/// of zero-width and bidi-control characters, folding of Cyrillic, Greek and IPA look-alike letters to
/// Latin (Unicode Technical Standard #39), and folding of leetspeak digits inside words, so <c>ACME</c>,
/// <c>Ａｃｍｅ</c> (full-width), <c>Ac&#x200B;me</c> (zero-width space), <c>Аcme</c> (Cyrillic А) and <c>4cme</c>
/// all match the term <c>acme</c>; base64, hex, percent-encoded and rot13 spans are decoded and
/// matched too. Not matched: other inflections (<c>acmes</c>), hyphen or no-space variants of a phrase
/// (<c>acme-cloud</c> for <c>acme cloud</c>), spaced-out letters (<c>a c m e</c>), and translations or
/// transliterations, and a leetspeak digit at the end of a word (<c>acm3</c>: a final digit is kept so that <c>gpt4</c> stays itself). Terms in scripts written without spaces (Chinese, Japanese, Korean, Thai) match as
/// substrings.
/// </para>
/// <para>
/// Verdicts: Allow, or Block with code <c>keyword.blocked</c> (<c>keyword.competitor</c> for the competitor
/// flavour). Evidence: <c>term</c> (the first configured term found, as configured), <c>matches</c> (how
/// many matches were found, up to 100) and, on output, <c>location</c> (<c>content</c>, <c>refusal</c>,
/// <c>tool_call</c>); never the user's text. Input: a match in a user message (and in tool messages when
/// <see cref="KeywordFilterOptions.IncludeToolMessages"/>) blocks the request before the model is called.
/// Output: a match anywhere in the answer blocks it; a term is not cut out of an answer, since what is
/// left would still discuss it.
/// </para>
/// <para>
/// Streaming: the output scope is <see cref="OutputValidationScope.Window"/>; a window is scanned with its
/// context, so a term split across the boundary is found. Thread-safe; time linear in the text's length.
/// </para>
/// </remarks>
public sealed class KeywordFilter : IInputGuard, IOutputValidator
{
    /// <summary>The verdict code of a configured keyword: <c>keyword.blocked</c>.</summary>
    public const string BlockedCode = "keyword.blocked";

    /// <summary>The verdict code of a competitor's name, in the competitor flavour: <c>keyword.competitor</c>.</summary>
    public const string CompetitorCode = "keyword.competitor";

    private const int MaxCountedMatches = 100;
    private const string KeywordStage = "KeywordFilter";
    private const string CompetitorStage = "CompetitorFilter";

    private readonly KeywordMatcher _matcher;
    private readonly FilterDirection _direction;
    private readonly bool _includeTools;
    private readonly string _name;
    private readonly string _code;
    private readonly string _inputMessage;
    private readonly string _outputMessage;

    /// <summary>Creates a keyword filter (stage <c>KeywordFilter</c>, code <c>keyword.blocked</c>).</summary>
    /// <param name="options">The options; read once.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">There are no keywords, a keyword is blank, or the direction is not Input, Output or Both.</exception>
    public KeywordFilter(KeywordFilterOptions options)
        : this(
            options,
            KeywordStage,
            BlockedCode,
            "Your message contains a term that is not allowed here. Rephrase it and try again.",
            "This answer was withheld because it contained a term that is not allowed.")
    {
    }

    private KeywordFilter(KeywordFilterOptions options, string name, string code, string inputMessage, string outputMessage)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Direction is not (FilterDirection.Input or FilterDirection.Output or FilterDirection.Both))
        {
            throw new ArgumentException($"Unknown filter direction {options.Direction}; use Input, Output or Both.", "options.Direction");
        }

        _matcher = new KeywordMatcher(options.Keywords, "options.Keywords");
        _direction = options.Direction;
        _includeTools = options.IncludeToolMessages;
        _name = name;
        _code = code;
        _inputMessage = inputMessage;
        _outputMessage = outputMessage;
    }

    /// <summary>Gets the stage name: <c>KeywordFilter</c>, or <c>CompetitorFilter</c> for the competitor flavour.</summary>
    public string Name => _name;

    /// <summary>
    /// Creates the competitor flavour: the same matching, stage <c>CompetitorFilter</c> and code
    /// <c>keyword.competitor</c>, so it can run beside a keyword filter and be told apart in audit and metrics.
    /// </summary>
    /// <param name="options">The options; <see cref="KeywordFilterOptions.Keywords"/> holds the competitors' names.</param>
    /// <returns>The filter.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">There are no names, a name is blank, or the direction is not Input, Output or Both.</exception>
    public static KeywordFilter ForCompetitors(KeywordFilterOptions options) =>
        new(
            options,
            CompetitorStage,
            CompetitorCode,
            "This assistant does not discuss other companies' products. Rephrase your question and try again.",
            "This answer was withheld because it discussed another company's products.");

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<InputGuardResult> InspectAsync(SafetyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        if ((_direction & FilterDirection.Input) == 0)
        {
            return ValueTask.FromResult(InputGuardResult.Allow(_name));
        }

        return ValueTask.FromResult(UserTextRedaction.Apply(request, _includeTools, _name, _code, (text, _) =>
        {
            var matches = _matcher.Find(KeywordMatcher.Prepare(text), MaxCountedMatches);
            return matches.Count == 0 ? PartRedaction.Unchanged : PartRedaction.Blocked(Block(matches, _inputMessage, null));
        }, cancellationToken));
    }

    /// <summary>Returns <see cref="OutputValidationScope.Window"/> when the answer is checked, otherwise <see cref="OutputValidationScope.None"/>.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The scope.</returns>
    public OutputValidationScope GetScope(SafetyRequest request) =>
        (_direction & FilterDirection.Output) != 0 ? OutputValidationScope.Window : OutputValidationScope.None;

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or <paramref name="response"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<OutputValidationResult> ValidateAsync(SafetyRequest request, SafetyResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        cancellationToken.ThrowIfCancellationRequested();
        if ((_direction & FilterDirection.Output) == 0)
        {
            return ValueTask.FromResult(OutputValidationResult.Allow(_name));
        }

        // A match wholly inside the context lay in the previous window too, which was then blocked,
        // so the context can be scanned with the window without judging anything twice.
        var content = _matcher.Find(KeywordMatcher.Prepare((response.Window?.Context ?? string.Empty) + response.Text), MaxCountedMatches);
        if (content.Count > 0)
        {
            return ValueTask.FromResult(OutputValidationResult.FromVerdict(Block(content, _outputMessage, "content")));
        }

        if (!string.IsNullOrEmpty(response.Refusal) && _matcher.Find(KeywordMatcher.Prepare(response.Refusal), MaxCountedMatches) is { Count: > 0 } inRefusal)
        {
            return ValueTask.FromResult(OutputValidationResult.FromVerdict(Block(inRefusal, _outputMessage, "refusal")));
        }

        foreach (var call in response.ToolCalls)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!string.IsNullOrEmpty(call.Arguments) && _matcher.Find(KeywordMatcher.Prepare(call.Arguments), MaxCountedMatches) is { Count: > 0 } inArguments)
            {
                return ValueTask.FromResult(OutputValidationResult.FromVerdict(Block(inArguments, _outputMessage, "tool_call")));
            }
        }

        return ValueTask.FromResult(OutputValidationResult.Allow(_name));
    }

    private SafetyVerdict Block(List<KeywordMatch> matches, string message, string? location)
    {
        var evidence = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["term"] = matches[0].Term,
            ["matches"] = matches.Count.ToString(CultureInfo.InvariantCulture),
        };
        if (location is not null)
        {
            evidence["location"] = location;
        }

        return SafetyVerdict.Block(_name, _code, message, evidence);
    }
}
