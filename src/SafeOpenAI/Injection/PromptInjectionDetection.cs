namespace SafeOpenAI;

/// <summary>The outcome of <see cref="PromptInjectionDetector.Detect"/> on one text. Immutable and thread-safe.</summary>
public sealed class PromptInjectionDetection
{
    internal PromptInjectionDetection(double score, double threshold, PromptInjectionMode mode, IReadOnlyList<string> signals, int windows)
    {
        Score = score;
        Threshold = threshold;
        Mode = mode;
        Signals = signals;
        Windows = windows;
    }

    /// <summary>Gets the model's probability that the text is an injection, in [0, 1]: the highest over the windows scanned.</summary>
    public double Score { get; }

    /// <summary>Gets the threshold the score was compared with.</summary>
    public double Threshold { get; }

    /// <summary>Gets a value indicating whether the score reached the threshold.</summary>
    public bool IsInjection => Score >= Threshold;

    /// <summary>Gets the mode the text was read in.</summary>
    public PromptInjectionMode Mode { get; }

    /// <summary>Gets the names of the signals that fired in the highest-scoring window (names only, never text).</summary>
    public IReadOnlyList<string> Signals { get; }

    /// <summary>Gets the number of overlapping windows scanned (1 for short texts).</summary>
    public int Windows { get; }
}
