using System.Globalization;
using System.Text;

namespace SafeOpenAI;

/// <summary>
/// Finds personal data in the model's answer that the user did not supply, and redacts it or
/// blocks the answer (<see cref="PiiLeakOptions.Policy"/>): the output side of PII protection, so
/// that a model never hands one user another person's e-mail address, card or phone number from
/// its training data, a tool result or a retrieved record.
/// </summary>
/// <remarks>
/// <para>
/// The recognisers of <see cref="PiiAnalyzer"/> run on the answer's text, its refusal and the
/// arguments of its tool calls. A value is allowed, not a leak, when it also appears in the user's
/// own messages as sent to the model, in the request's PII vault (the values
/// <see cref="PiiRedactionGuard"/> replaced and <see cref="PiiRestoringValidator"/> puts back), in
/// <see cref="PiiLeakOptions.AllowedValues"/>, or, when <see cref="PiiLeakOptions.AllowValuesFromSources"/>
/// is on, in the request's sources. Values are compared on their letters and digits, case
/// ignored; two digit-only values of at least 7 digits also match when one ends with the other
/// (<c>+1 555 010 0199</c> and <c>555-010-0199</c>).
/// </para>
/// <para>
/// Order: register this validator after <see cref="PiiRestoringValidator"/>
/// (<c>.AddPiiRedaction().AddPiiLeakCheck()</c>). It then sees the user's restored values and
/// allows them. Registered before it, it sees the placeholders instead, which are not personal
/// data, and its own <c>&lt;TYPE_REDACTED&gt;</c> placeholders never collide with the vault's
/// numbered ones, so either order is safe.
/// </para>
/// <para>
/// Streaming: the scope is <see cref="OutputValidationScope.Window"/>. A window is scanned together
/// with its <see cref="OutputWindow.Context"/>, so a value split over the boundary is found; only
/// findings that reach into the window's own text count, and only the window's own text is
/// rewritten (the part of a split value already released cannot be taken back).
/// </para>
/// <para>
/// Verdicts: Allow; Rewrite with code <c>pii.leak_redacted</c>; or Block with code
/// <c>pii.leaked</c> (policy Block, or a leak in a refusal or in tool-call arguments, which are not
/// rewritten). Evidence: <c>location</c> (<c>content</c>, <c>refusal</c>, <c>tool_call</c>),
/// <c>total</c> and one count per entity type; never a value. Thread-safe; time linear in the
/// answer's length plus, once per request, the user's messages.
/// </para>
/// </remarks>
public sealed class PiiLeakValidator : IOutputValidator
{
    /// <summary>The verdict code of an answer whose new personal data was redacted: <c>pii.leak_redacted</c>.</summary>
    public const string RedactedCode = "pii.leak_redacted";

    /// <summary>The verdict code of an answer withheld for new personal data: <c>pii.leaked</c>.</summary>
    public const string LeakedCode = "pii.leaked";

    private const string StageName = "PiiLeak";
    private const string AllowedItemKey = "SafeOpenAI.Pii.LeakAllowed";
    private const string LeakMessage = "This answer was withheld because it contained personal data.";
    private const int MinimumSuffixDigits = 7;

    private readonly PiiAnalyzer _analyzer;
    private readonly HashSet<string> _excluded;
    private readonly PiiLeakPolicy _policy;
    private readonly string[] _configuredAllowed;
    private readonly bool _allowSources;

    /// <summary>Creates the validator.</summary>
    /// <param name="options">The options; read once.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The policy is unknown, or the phone region is not two letters.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="PiiLeakOptions.MinimumScore"/> is outside 0–1.</exception>
    public PiiLeakValidator(PiiLeakOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Enum.IsDefined(options.Policy))
        {
            throw new ArgumentException($"Unknown PII leak policy {options.Policy}.", nameof(options));
        }

        _analyzer = new PiiAnalyzer(options.Recognizers, options.Entities, options.MinimumScore, options.DefaultPhoneRegion);
        _excluded = new HashSet<string>(options.ExcludedEntities, StringComparer.Ordinal);
        _policy = options.Policy;
        _configuredAllowed = [.. options.AllowedValues.Select(Key).Where(k => k.Length > 0)];
        _allowSources = options.AllowValuesFromSources;
    }

    /// <summary>Gets the stage name: <c>PiiLeak</c>.</summary>
    public string Name => StageName;

    /// <summary>Returns <see cref="OutputValidationScope.Window"/>: a window is judged with its context.</summary>
    /// <param name="request">The request.</param>
    /// <returns><see cref="OutputValidationScope.Window"/>.</returns>
    public OutputValidationScope GetScope(SafetyRequest request) => OutputValidationScope.Window;

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or <paramref name="response"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<OutputValidationResult> ValidateAsync(SafetyRequest request, SafetyResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Validate(request, response, cancellationToken));
    }

    private OutputValidationResult Validate(SafetyRequest request, SafetyResponse response, CancellationToken cancellationToken)
    {
        var allowed = AllowedFor(request);
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        string? blockedAt = null;

        // The answer's text, with the window's context in front so a value split over the boundary is seen.
        var context = response.Window?.Context ?? string.Empty;
        var scan = context + response.Text;
        var contentLeaks = Leaks(scan, context.Length, allowed);
        foreach (var leak in contentLeaks)
        {
            Count(counts, leak.EntityType);
        }

        if (contentLeaks.Count > 0 && _policy == PiiLeakPolicy.Block)
        {
            blockedAt = "content";
        }

        if (!string.IsNullOrEmpty(response.Refusal))
        {
            var refusalLeaks = Leaks(response.Refusal, 0, allowed);
            foreach (var leak in refusalLeaks)
            {
                Count(counts, leak.EntityType);
            }

            if (refusalLeaks.Count > 0)
            {
                blockedAt ??= "refusal";
            }
        }

        foreach (var call in response.ToolCalls)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (string.IsNullOrEmpty(call.Arguments))
            {
                continue;
            }

            var toolLeaks = Leaks(call.Arguments, 0, allowed);
            foreach (var leak in toolLeaks)
            {
                Count(counts, leak.EntityType);
            }

            if (toolLeaks.Count > 0)
            {
                blockedAt ??= "tool_call";
            }
        }

        if (counts.Count == 0)
        {
            return OutputValidationResult.Allow(StageName);
        }

        if (blockedAt is not null)
        {
            return OutputValidationResult.FromVerdict(SafetyVerdict.Block(StageName, LeakedCode, LeakMessage, Evidence(counts, blockedAt)));
        }

        var verdict = new SafetyVerdict(StageName, SafetyAction.Rewrite, RedactedCode, null, Evidence(counts, "content"));
        return OutputValidationResult.Rewrite(verdict, response.WithParts(AnswerSpanRedactor.Redact(response.Parts, context.Length, [.. contentLeaks.Select(l => (l.Start, l.End, "<" + l.EntityType + "_REDACTED>"))])));
    }

    /// <summary>Findings in <paramref name="text"/> that reach past <paramref name="from"/> and are neither excluded nor allowed.</summary>
    private List<PiiEntity> Leaks(string text, int from, AllowedValues allowed)
    {
        var leaks = new List<PiiEntity>();
        if (text.Length == 0)
        {
            return leaks;
        }

        foreach (var entity in _analyzer.Analyze(text))
        {
            if (entity.End > from && !_excluded.Contains(entity.EntityType) && !allowed.Contains(Key(text.AsSpan(entity.Start, entity.Length))))
            {
                leaks.Add(entity);
            }
        }

        return leaks;
    }

    private static void Count(SortedDictionary<string, int> counts, string type) =>
        counts[type] = counts.TryGetValue(type, out var n) ? n + 1 : 1;

    private static Dictionary<string, string> Evidence(SortedDictionary<string, int> counts, string location)
    {
        var evidence = new Dictionary<string, string>(counts.Count + 2, StringComparer.Ordinal)
        {
            ["location"] = location,
            ["total"] = counts.Values.Sum().ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (type, count) in counts)
        {
            evidence[type] = count.ToString(CultureInfo.InvariantCulture);
        }

        return evidence;
    }

    /// <summary>The allowed values of a request, computed once per request (and again only when its messages, sources or vault change).</summary>
    private AllowedValues AllowedFor(SafetyRequest request)
    {
        var vault = PiiVault.Find(request);
        var numbering = request.Items.TryGetValue(PiiVault.NumberingOnlyKey, out var n) ? n as PiiVault : null;
        var vaultCount = (vault?.Count ?? 0) + (numbering?.Count ?? 0);
        if (request.Items.TryGetValue(AllowedItemKey, out var cached) && cached is AllowedValues hit
            && ReferenceEquals(hit.Messages, request.Messages) && ReferenceEquals(hit.Sources, request.Sources) && hit.VaultCount == vaultCount
            && ReferenceEquals(hit.Owner, this))
        {
            return hit;
        }

        var allowed = new AllowedValues(this, request.Messages, request.Sources, vaultCount);
        foreach (var value in _configuredAllowed)
        {
            allowed.Add(value);
        }

        foreach (var value in vault?.Values() ?? [])
        {
            allowed.Add(Key(value));
        }

        foreach (var value in numbering?.Values() ?? [])
        {
            allowed.Add(Key(value));
        }

        foreach (var message in request.Messages)
        {
            if (message.Role == MessageRole.User && !AddedInstruction.IsAdded(message))
            {
                foreach (var part in message.Parts)
                {
                    AddFound(allowed, part.Kind == MessagePartKind.Text ? part.Text : null);
                }
            }
        }

        if (_allowSources)
        {
            foreach (var source in request.Sources)
            {
                AddFound(allowed, source.Text);
            }
        }

        request.Items[AllowedItemKey] = allowed;
        return allowed;
    }

    private void AddFound(AllowedValues allowed, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        foreach (var entity in _analyzer.Analyze(text))
        {
            allowed.Add(Key(text.AsSpan(entity.Start, entity.Length)));
        }
    }

    /// <summary>Letters and digits only, lower-cased (invariant): the form values are compared in.</summary>
    private static string Key(ReadOnlySpan<char> value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (char.IsLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    private static string Key(string value) => Key(value.AsSpan());

    /// <summary>The comparison keys of the values allowed in one request's answers. Filled once, then only read.</summary>
    private sealed class AllowedValues(PiiLeakValidator owner, IReadOnlyList<SafetyMessage> messages, IReadOnlyList<SourceDocument> sources, int vaultCount)
    {
        private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
        private readonly List<string> _digitKeys = [];

        public PiiLeakValidator Owner { get; } = owner;

        public IReadOnlyList<SafetyMessage> Messages { get; } = messages;

        public IReadOnlyList<SourceDocument> Sources { get; } = sources;

        public int VaultCount { get; } = vaultCount;

        public void Add(string key)
        {
            if (key.Length > 0 && _keys.Add(key) && IsDigits(key) && key.Length >= MinimumSuffixDigits)
            {
                _digitKeys.Add(key);
            }
        }

        public bool Contains(string key)
        {
            if (key.Length == 0 || _keys.Contains(key))
            {
                return true;
            }

            if (key.Length < MinimumSuffixDigits || !IsDigits(key))
            {
                return false;
            }

            // The same number written with and without a country or trunk prefix.
            foreach (var digits in _digitKeys)
            {
                if (digits.EndsWith(key, StringComparison.Ordinal) || key.EndsWith(digits, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsDigits(string key)
        {
            foreach (var c in key)
            {
                if (!char.IsAsciiDigit(c))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
