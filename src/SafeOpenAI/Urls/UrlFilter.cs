using System.Globalization;

namespace SafeOpenAI;

/// <summary>
/// Keeps dangerous and unapproved links out of a conversation: finds URLs in the user's messages
/// and in the model's answer (<see cref="UrlExtractor"/>) and refuses those whose scheme, credentials
/// or host <see cref="UrlFilterOptions"/> does not allow. One instance serves as an input guard and,
/// with the same options, as an output validator.
/// </summary>
/// <remarks>
/// <para>
/// Each URL is judged in this order, and the first rule it breaks names the verdict: a scheme outside
/// <see cref="UrlFilterOptions.AllowedSchemes"/> (<c>url.scheme</c>); credentials in the URL
/// (<c>url.credentials</c>, when <see cref="UrlFilterOptions.BlockUserInfo"/>); then, unless the host
/// is on <see cref="UrlFilterOptions.AllowedHosts"/>, an IP-literal host (<c>url.ip_literal</c>), a punycode
/// or mixed-script host (<c>url.homoglyph</c>), and, when the allow-list is not empty, any other host
/// (<c>url.not_allowed</c>). Hosts are read as a browser reads them (percent-escapes, IDNA dots,
/// NFKC, case, trailing dot; see <see cref="UrlHost"/>), so <c>https://good.com@evil.com</c> is a URL
/// to <c>evil.com</c> with credentials.
/// </para>
/// <para>
/// Input: a refused URL in a user message (and in tool messages when
/// <see cref="UrlFilterOptions.IncludeToolMessages"/>) blocks the request before the model is called.
/// Output: a refused URL in the answer's text is redacted (<c>url.redacted</c>, evidence: a count per
/// reason and <c>total</c>) or blocks the answer (<see cref="UrlFilterOptions.OutputAction"/>); one in a
/// refusal or in tool-call arguments always blocks. The evidence of a block is the reason's code,
/// <c>host</c> (the normalised host, never the full URL, so credentials never reach a log) and, for a
/// scheme, <c>scheme</c>; for output also <c>location</c> (<c>content</c>, <c>refusal</c>, <c>tool_call</c>).
/// </para>
/// <para>
/// Streaming: the output scope is <see cref="OutputValidationScope.Window"/>; a window is scanned with
/// its context so that a URL across the boundary is read whole, and only the window's own text is
/// rewritten. Thread-safe; time linear in the text's length.
/// </para>
/// </remarks>
public sealed class UrlFilter : IInputGuard, IOutputValidator
{
    /// <summary>The verdict code of a URL whose scheme is not allowed: <c>url.scheme</c>.</summary>
    public const string SchemeCode = "url.scheme";

    /// <summary>The verdict code of a URL with credentials (<c>user:pass@</c>): <c>url.credentials</c>.</summary>
    public const string CredentialsCode = "url.credentials";

    /// <summary>The verdict code of a URL whose host is an IP address: <c>url.ip_literal</c>.</summary>
    public const string IpLiteralCode = "url.ip_literal";

    /// <summary>The verdict code of a URL whose host is punycode or mixes scripts: <c>url.homoglyph</c>.</summary>
    public const string HomoglyphCode = "url.homoglyph";

    /// <summary>The verdict code of a URL whose host is not on the allow-list: <c>url.not_allowed</c>.</summary>
    public const string NotAllowedCode = "url.not_allowed";

    /// <summary>The verdict code of an answer whose refused URLs were replaced: <c>url.redacted</c>.</summary>
    public const string RedactedCode = "url.redacted";

    private const string StageName = "UrlFilter";
    private const string InputMessage = "Your message contains a link that is not allowed here. Remove it and try again.";
    private const string OutputMessage = "This answer was withheld because it contained a link that is not allowed.";

    private readonly UrlAllowList _allowList;
    private readonly HashSet<string> _schemes;
    private readonly bool _blockUserInfo;
    private readonly bool _blockIpLiterals;
    private readonly bool _blockHomoglyphs;
    private readonly FilterDirection _direction;
    private readonly UrlFilterAction _outputAction;
    private readonly string _replacement;
    private readonly bool _includeTools;

    /// <summary>Creates the filter.</summary>
    /// <param name="options">The options; read once.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// An allow-list entry is empty or names no host, a scheme is empty, <see cref="UrlFilterOptions.Direction"/> or
    /// <see cref="UrlFilterOptions.OutputAction"/> is not a defined value, or <see cref="UrlFilterOptions.Replacement"/> is empty.
    /// </exception>
    public UrlFilter(UrlFilterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Direction is not (FilterDirection.Input or FilterDirection.Output or FilterDirection.Both))
        {
            throw new ArgumentException($"Unknown filter direction {options.Direction}; use Input, Output or Both.", "options.Direction");
        }

        if (!Enum.IsDefined(options.OutputAction))
        {
            throw new ArgumentException($"Unknown URL filter action {options.OutputAction}; use Redact or Block.", "options.OutputAction");
        }

        if (string.IsNullOrEmpty(options.Replacement))
        {
            throw new ArgumentException("The replacement of a redacted URL must not be empty.", "options.Replacement");
        }

        if (options.AllowedSchemes.Any(static s => string.IsNullOrWhiteSpace(s) || s.Contains(':', StringComparison.Ordinal)))
        {
            throw new ArgumentException("An allowed scheme is empty or holds a colon; write it as https, not https: or https://.", "options.AllowedSchemes");
        }

        _allowList = new UrlAllowList(options.AllowedHosts, options.AllowSubdomains, "options.AllowedHosts");
        _schemes = new HashSet<string>(options.AllowedSchemes.Select(static s => s.Trim()), StringComparer.OrdinalIgnoreCase);
        _blockUserInfo = options.BlockUserInfo;
        _blockIpLiterals = options.BlockIpLiterals;
        _blockHomoglyphs = options.BlockPunycodeAndMixedScriptHosts;
        _direction = options.Direction;
        _outputAction = options.OutputAction;
        _replacement = options.Replacement;
        _includeTools = options.IncludeToolMessages;
    }

    /// <summary>Gets the stage name: <c>UrlFilter</c>.</summary>
    public string Name => StageName;

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<InputGuardResult> InspectAsync(SafetyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        if ((_direction & FilterDirection.Input) == 0)
        {
            return ValueTask.FromResult(InputGuardResult.Allow(StageName));
        }

        return ValueTask.FromResult(UserTextRedaction.Apply(request, _includeTools, StageName, RedactedCode, (text, _) =>
        {
            foreach (var url in UrlExtractor.Extract(text))
            {
                if (Judge(url) is { } refusal)
                {
                    return PartRedaction.Blocked(SafetyVerdict.Block(StageName, refusal.Code, InputMessage, refusal.Evidence(null)));
                }
            }

            return PartRedaction.Unchanged;
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
        return ValueTask.FromResult((_direction & FilterDirection.Output) == 0 ? OutputValidationResult.Allow(StageName) : Validate(response, cancellationToken));
    }

    /// <summary>The first rule <paramref name="url"/> breaks, or <see langword="null"/> when it is allowed.</summary>
    internal UrlRefusal? Judge(ExtractedUrl url)
    {
        var host = UrlHost.Analyze(url.Host, url.IsBracketedHost);
        if (url.Scheme is { } scheme && !_schemes.Contains(scheme))
        {
            return new UrlRefusal(SchemeCode, host.Name, scheme);
        }

        if (_blockUserInfo && url.HasUserInfo)
        {
            return new UrlRefusal(CredentialsCode, host.Name, null);
        }

        if (!_allowList.IsEmpty && _allowList.Allows(url, host))
        {
            return null;
        }

        if (_blockIpLiterals && host.IsIpLiteral)
        {
            return new UrlRefusal(IpLiteralCode, host.Name, null);
        }

        if (_blockHomoglyphs && host.IsHomoglyph)
        {
            return new UrlRefusal(HomoglyphCode, host.Name, null);
        }

        return _allowList.IsEmpty ? null : new UrlRefusal(NotAllowedCode, host.Name, null);
    }

    private OutputValidationResult Validate(SafetyResponse response, CancellationToken cancellationToken)
    {
        var context = response.Window?.Context ?? string.Empty;
        var scan = context + response.Text;
        var refused = new List<(ExtractedUrl Url, UrlRefusal Refusal)>();
        foreach (var url in UrlExtractor.Extract(scan))
        {
            // A URL wholly inside the context was judged with the window before.
            if (url.End > context.Length && Judge(url) is { } refusal)
            {
                refused.Add((url, refusal));
            }
        }

        if (refused.Count > 0 && _outputAction == UrlFilterAction.Block)
        {
            return Blocked(refused[0].Refusal, "content");
        }

        if (!string.IsNullOrEmpty(response.Refusal) && FirstRefusal(response.Refusal) is { } inRefusal)
        {
            return Blocked(inRefusal, "refusal");
        }

        foreach (var call in response.ToolCalls)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!string.IsNullOrEmpty(call.Arguments) && FirstRefusal(call.Arguments) is { } inArguments)
            {
                return Blocked(inArguments, "tool_call");
            }
        }

        if (refused.Count == 0)
        {
            return OutputValidationResult.Allow(StageName);
        }

        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (_, refusal) in refused)
        {
            counts[refusal.Code] = counts.TryGetValue(refusal.Code, out var n) ? n + 1 : 1;
        }

        var evidence = new Dictionary<string, string>(StringComparer.Ordinal) { ["total"] = refused.Count.ToString(CultureInfo.InvariantCulture) };
        foreach (var (code, count) in counts)
        {
            evidence[code] = count.ToString(CultureInfo.InvariantCulture);
        }

        var verdict = new SafetyVerdict(StageName, SafetyAction.Rewrite, RedactedCode, null, evidence);
        return OutputValidationResult.Rewrite(verdict, response.WithParts(AnswerSpanRedactor.Redact(response.Parts, context.Length, [.. refused.Select(r => (r.Url.Start, r.Url.End, _replacement))])));
    }

    private UrlRefusal? FirstRefusal(string text)
    {
        foreach (var url in UrlExtractor.Extract(text))
        {
            if (Judge(url) is { } refusal)
            {
                return refusal;
            }
        }

        return null;
    }

    private static OutputValidationResult Blocked(UrlRefusal refusal, string location) =>
        OutputValidationResult.FromVerdict(SafetyVerdict.Block(StageName, refusal.Code, OutputMessage, refusal.Evidence(location)));

}
