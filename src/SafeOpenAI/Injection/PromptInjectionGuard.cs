using System.Globalization;

namespace SafeOpenAI;

/// <summary>
/// Detects prompt injection and jailbreak attempts with <see cref="PromptInjectionDetector"/>:
/// user messages in <see cref="PromptInjectionMode.Prompt"/> mode, and untrusted content (tool
/// results, <see cref="SafetyRequest.Sources"/>, parts the application marks) in
/// <see cref="PromptInjectionMode.Document"/> mode. Offline, microseconds per kilobyte.
/// </summary>
/// <remarks>
/// <para>
/// Verdicts: Allow; or, when any scanned text reaches its mode's threshold,
/// <see cref="PromptInjectionGuardOptions.Action"/> (Block by default, or Review) with code
/// <c>injection.detected</c> and evidence <c>score</c> (the highest, three decimals),
/// <c>threshold</c>, <c>mode</c> (<c>prompt</c> or <c>document</c>), <c>location</c>
/// (<c>user_message</c>, <c>tool_message</c>, <c>source</c> or <c>marked_part</c>), <c>windows</c>
/// and <c>signals</c> (comma-separated signal names). No text is recorded.
/// </para>
/// <para>
/// Register it after the secrets and PII guards (OWASP LLM01: Prompt Injection recommends
/// treating all external content as untrusted; this guard is one layer of several, with
/// spotlighting and least privilege). Thread-safe; the options are read once.
/// </para>
/// </remarks>
public sealed class PromptInjectionGuard : IInputGuard
{
    /// <summary>The verdict code of a detection: <c>injection.detected</c>.</summary>
    public const string DetectedCode = "injection.detected";

    private const string StageName = "PromptInjection";
    private const string DetectedMessage = "Your request looks like an attempt to override the assistant's instructions and was not sent.";

    private readonly PromptInjectionDetector _detector;
    private readonly SafetyAction _action;
    private readonly bool _scanUser;
    private readonly bool _scanTools;
    private readonly bool _scanSources;
    private readonly Func<SafetyMessage, MessagePart, bool>? _isUntrusted;

    /// <summary>Creates the guard over the embedded model.</summary>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">The action is neither Block nor Review, a threshold is outside [0, 1], or a window size is out of range.</exception>
    /// <exception cref="InvalidOperationException">The embedded model is missing.</exception>
    public PromptInjectionGuard(PromptInjectionGuardOptions? options = null)
    {
        options ??= new PromptInjectionGuardOptions();
        if (options.Action is not (SafetyAction.Block or SafetyAction.Review))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Action, "The action of a prompt-injection detection is Block or Review.");
        }

        _detector = new PromptInjectionDetector(options.PromptThreshold, options.DocumentThreshold, options.WindowCharacters, options.WindowOverlapCharacters);
        _action = options.Action;
        _scanUser = options.ScanUserMessages;
        _scanTools = options.ScanToolMessages;
        _scanSources = options.ScanSources;
        _isUntrusted = options.IsUntrustedPart;
    }

    /// <summary>Gets the stage name: <c>PromptInjection</c>.</summary>
    public string Name => StageName;

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<InputGuardResult> InspectAsync(SafetyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Inspect(request, cancellationToken));
    }

    private InputGuardResult Inspect(SafetyRequest request, CancellationToken cancellationToken)
    {
        PromptInjectionDetection? worst = null;
        string? worstLocation = null;

        void Consider(string text, PromptInjectionMode mode, string location)
        {
            if (text.Length == 0)
            {
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var detection = _detector.Detect(text, mode);
            if (worst is null || (detection.IsInjection && !worst.IsInjection) || (detection.IsInjection == worst.IsInjection && detection.Score - detection.Threshold > worst.Score - worst.Threshold))
            {
                worst = detection;
                worstLocation = location;
            }
        }

        foreach (var message in request.Messages)
        {
            var role = message.Role;
            foreach (var part in message.Parts)
            {
                if (part.Kind != MessagePartKind.Text || string.IsNullOrEmpty(part.Text))
                {
                    continue;
                }

                if (_isUntrusted is not null && _isUntrusted(message, part))
                {
                    Consider(part.Text, PromptInjectionMode.Document, "marked_part");
                }
                else if (role == MessageRole.User && _scanUser)
                {
                    Consider(part.Text, PromptInjectionMode.Prompt, "user_message");
                }
                else if (role == MessageRole.Tool && _scanTools)
                {
                    Consider(part.Text, PromptInjectionMode.Document, "tool_message");
                }
            }
        }

        if (_scanSources)
        {
            foreach (var source in request.Sources)
            {
                Consider(source.Text ?? string.Empty, PromptInjectionMode.Document, "source");
            }
        }

        if (worst is null || !worst.IsInjection)
        {
            return InputGuardResult.Allow(StageName);
        }

        var evidence = new Dictionary<string, string>(6, StringComparer.Ordinal)
        {
            ["score"] = worst.Score.ToString("F3", CultureInfo.InvariantCulture),
            ["threshold"] = worst.Threshold.ToString("F3", CultureInfo.InvariantCulture),
            ["mode"] = worst.Mode == PromptInjectionMode.Document ? "document" : "prompt",
            ["location"] = worstLocation!,
            ["windows"] = worst.Windows.ToString(CultureInfo.InvariantCulture),
            ["signals"] = string.Join(',', worst.Signals),
        };
        return InputGuardResult.FromVerdict(new SafetyVerdict(StageName, _action, DetectedCode, DetectedMessage, evidence));
    }
}
