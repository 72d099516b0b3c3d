namespace SafeOpenAI;

/// <summary>
/// Scores a text for prompt injection and jailbreak attempts, offline, in microseconds: the text
/// is normalised (<see cref="TextNormalizer.NormalizeForDetection(string)"/>), cut into overlapping
/// windows, and each window is scored by a logistic regression over hashed character and word
/// n-grams and the hand-written signals (instruction override, persona set-up, system-prompt
/// extraction, fake role headers and chat-template tokens, policy-evasion and fictional framing,
/// instructions addressed to the model, exfiltration, encodings, obfuscation). The highest window
/// score is the text's score.
/// </summary>
/// <remarks>
/// The model is the embedded one, trained by <c>tools/SafeOpenAI.InjectionTrainer</c>; its data,
/// features, thresholds and cross-validated figures are in <c>docs/prompt-injection.md</c>. The
/// default thresholds were chosen on out-of-fold predictions of that cross-validation, per mode.
/// Time and memory are linear in the text length. Thread-safe: one instance serves every caller.
/// </remarks>
public sealed class PromptInjectionDetector
{
    /// <summary>The default window length, in characters of normalised text (about 500 tokens of English).</summary>
    public const int DefaultWindowCharacters = 2_000;

    /// <summary>The default overlap between consecutive windows, in characters.</summary>
    public const int DefaultWindowOverlapCharacters = 500;

    private static readonly Lazy<PromptInjectionDetector> s_default = new(() => new PromptInjectionDetector());

    private readonly InjectionModel _model;
    private readonly int _window;
    private readonly int _step;

    /// <summary>Creates a detector over the embedded model.</summary>
    /// <param name="promptThreshold">The score at or above which a prompt is an injection; <see langword="null"/> for the model's cross-validated default.</param>
    /// <param name="documentThreshold">The score at or above which a document is an injection; <see langword="null"/> for the model's default.</param>
    /// <param name="windowCharacters">The window length in characters; at least 200.</param>
    /// <param name="windowOverlapCharacters">The overlap of consecutive windows; at least 0 and less than half the window.</param>
    /// <exception cref="ArgumentOutOfRangeException">A threshold is outside [0, 1], or a window size is out of range.</exception>
    /// <exception cref="InvalidOperationException">The embedded model is missing.</exception>
    public PromptInjectionDetector(double? promptThreshold = null, double? documentThreshold = null, int windowCharacters = DefaultWindowCharacters, int windowOverlapCharacters = DefaultWindowOverlapCharacters)
        : this(InjectionModel.Default, promptThreshold, documentThreshold, windowCharacters, windowOverlapCharacters)
    {
    }

    internal PromptInjectionDetector(InjectionModel model, double? promptThreshold, double? documentThreshold, int windowCharacters, int windowOverlapCharacters)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowCharacters, 200);
        ArgumentOutOfRangeException.ThrowIfNegative(windowOverlapCharacters);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(windowOverlapCharacters, windowCharacters / 2);
        CheckThreshold(promptThreshold, nameof(promptThreshold));
        CheckThreshold(documentThreshold, nameof(documentThreshold));
        _model = model;
        _window = windowCharacters;
        _step = windowCharacters - windowOverlapCharacters;
        PromptThreshold = promptThreshold ?? model.PromptThreshold;
        DocumentThreshold = documentThreshold ?? model.DocumentThreshold;
    }

    /// <summary>Gets a shared detector with the default thresholds and windows.</summary>
    /// <exception cref="InvalidOperationException">The embedded model is missing.</exception>
    public static PromptInjectionDetector Default => s_default.Value;

    /// <summary>Gets the threshold for <see cref="PromptInjectionMode.Prompt"/>.</summary>
    public double PromptThreshold { get; }

    /// <summary>Gets the threshold for <see cref="PromptInjectionMode.Document"/>.</summary>
    public double DocumentThreshold { get; }

    /// <summary>Scores a text.</summary>
    /// <param name="text">The text, as the user or the source wrote it.</param>
    /// <param name="mode">Whether it is a user prompt or untrusted content.</param>
    /// <returns>The score, the threshold, the decision and the names of the signals that fired.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public PromptInjectionDetection Detect(string text, PromptInjectionMode mode)
    {
        ArgumentNullException.ThrowIfNull(text);
        var threshold = mode == PromptInjectionMode.Document ? DocumentThreshold : PromptThreshold;
        var (score, bits, windows) = ScoreCore(text);
        return new PromptInjectionDetection(score, threshold, mode, InjectionSignals.Names(bits), windows);
    }

    internal (double Score, int Bits, int Windows) ScoreCore(string text)
    {
        var normalized = TextNormalizer.NormalizeForDetection(text, out var stats, TextNormalizer.MaxDecodedCharacters);
        var obfuscation = InjectionSignals.EvaluateObfuscation(stats);
        var span = normalized.AsSpan();
        var best = -1.0;
        var bestBits = 0;
        var windows = 0;
        for (var start = 0; ; start += _step)
        {
            var length = Math.Min(_window, span.Length - start);
            var window = span.Slice(start, length);
            var bits = InjectionSignals.EvaluateRegex(window) | obfuscation;
            var score = _model.Score(window, bits);
            windows++;
            if (score > best)
            {
                best = score;
                bestBits = bits;
            }

            if (start + length >= span.Length)
            {
                break;
            }
        }

        return (best, bestBits, windows);
    }

    private static void CheckThreshold(double? threshold, string name)
    {
        if (threshold is double t && (double.IsNaN(t) || t < 0 || t > 1))
        {
            throw new ArgumentOutOfRangeException(name, t, "A threshold is a probability in [0, 1].");
        }
    }
}
